// Documents as a feature (issue 18): the scanner behind a document step. It scans on a worker thread
// (a scan takes seconds) through SANE, hands each page to the journey, which holds it in memory only,
// and shows small previews of the pages; the step screen draws them and emits ScanPage / RemovePage.
#pragma once
#include "devices/scanner.h"
#include "kiosk/app/feature.h"
#include "kiosk/app/main_queue.h"
#include "screens/frame_context.h"

#include <SDL.h>

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace guichet::app {

class JourneyFeature;

class DocumentFeature final : public Feature {
public:
    // `renderer` gives the display's renderer of the moment (it changes when the display is resized):
    // previews are textures in it.
    DocumentFeature(devices::ScannerSettings, MainQueue&, JourneyFeature&, std::function<SDL_Renderer*()> renderer);
    ~DocumentFeature() override;

    // A scan is running or its page has not reached the journey yet: the headless driver waits.
    bool busy() const override { return m_jobs.busy(); }

    std::vector<size_t> intents() const override;
    void handle(Intent&) override;
    void update(const FrameEvents&) override;
    void prepare(screens::FrameContext&) const override;
    void session_ended() override;

private:
    struct Preview {
        std::string sha256; // the page it shows
        SDL_Texture* texture = nullptr;
        int width = 0, height = 0;
    };
    struct Outcome; // a scan's result, handed from the worker to the main thread

    const Step* document_step() const;
    void scan(int replace);
    void sync_previews();
    Preview make_preview(const ScannedPage&) const;
    void drop_previews();

    devices::ScannerSettings m_settings;
    JourneyFeature& m_journey;
    std::function<SDL_Renderer*()> m_renderer;
    Jobs m_jobs;
    std::shared_ptr<std::atomic<bool>> m_cancel; // the running scan's: set when the session ends
    int m_generation = 0;                        // +1 a session: a scan finishing after its session is dropped
    const Step* m_step = nullptr;                // the document step the view is about
    SDL_Renderer* m_previews_renderer = nullptr;
    std::vector<Preview> m_previews;
    screens::DocumentView m_view;
};

}
