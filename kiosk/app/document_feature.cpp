// The scanner behind a document step (see document_feature.h).
#include "kiosk/app/document_feature.h"

#include "devices/jpeg.h"
#include "kiosk/app/journey_feature.h"

#include <algorithm>
#include <cstdio>
#include <cstring>

namespace guichet::app {

struct DocumentFeature::Outcome {
    std::expected<ScannedPage, devices::ScanError> page;
    int replace = -1;
    int generation = 0;
};

namespace {

// The preview's height in pixels: enough to see that the page is the right one and straight, small
// enough that five pages cost little memory.
constexpr int preview_height = 360;

}

DocumentFeature::DocumentFeature(devices::ScannerSettings settings, MainQueue& queue, JourneyFeature& journey,
    std::function<SDL_Renderer*()> renderer)
    : m_settings(std::move(settings))
    , m_journey(journey)
    , m_renderer(std::move(renderer))
    , m_jobs(queue)
{
}

DocumentFeature::~DocumentFeature()
{
    if (m_cancel)
        *m_cancel = true;
    m_jobs.wait();
    drop_previews();
}

std::vector<size_t> DocumentFeature::intents() const { return intent_indices<intent::ScanPage, intent::RemovePage>(); }

const Step* DocumentFeature::document_step() const
{
    auto* journey = m_journey.journey();
    if (!journey || journey->stage() != JourneyStage::Step || journey->step().kind != StepKind::Document)
        return nullptr;
    return &journey->step();
}

void DocumentFeature::handle(Intent& intent)
{
    if (auto* scan_page = std::get_if<intent::ScanPage>(&intent))
        return scan(scan_page->replace);
    if (auto* remove = std::get_if<intent::RemovePage>(&intent); remove && !m_view.scanning) {
        if (auto* journey = m_journey.journey())
            journey->remove_page(remove->index);
        m_view.problem.clear();
    }
}

void DocumentFeature::scan(int replace)
{
    auto* step = document_step();
    if (!step || m_view.scanning)
        return;
    auto& pages = m_journey.journey()->pages(step->id);
    if (replace < 0 && static_cast<int>(pages.size()) >= step->document.max_pages)
        return; // the screen offers no "add" then; a stray key does nothing
    m_view.scanning = true;
    m_view.progress = 0;
    m_view.replacing = replace;
    m_view.problem.clear();
    m_cancel = std::make_shared<std::atomic<bool>>(false);
    auto cancel = m_cancel;
    auto settings = m_settings;
    bool color = step->document.color;
    int generation = m_generation;
    // The worker reports progress in whole percents, so a scan posts at most a hundred wake-ups.
    auto last_percent = std::make_shared<std::atomic<int>>(-1);
    m_jobs.run(
        [this, settings, color, cancel, replace, generation, last_percent] {
            auto outcome = std::make_shared<Outcome>();
            outcome->replace = replace;
            outcome->generation = generation;
            outcome->page = devices::scan_page(settings, color, [this, generation, last_percent](double fraction) {
                int percent = static_cast<int>(fraction * 100);
                if (last_percent->exchange(percent) == percent)
                    return;
                m_jobs.post([this, generation, percent] {
                    if (generation == m_generation && m_view.scanning)
                        m_view.progress = static_cast<float>(percent) / 100;
                });
            }, *cancel);
            return outcome;
        },
        [this](std::shared_ptr<Outcome> outcome) {
            if (outcome->generation != m_generation)
                return; // the session ended meanwhile: the page is wiped with the outcome
            m_view.scanning = false;
            m_view.progress = 0;
            if (!outcome->page) {
                m_view.problem = devices::problem_name(outcome->page.error().problem);
                // For the technician: what failed, never what was on the page.
                std::fprintf(stderr, "guichet: a scan failed (%s): %s\n", m_view.problem.c_str(), outcome->page.error().detail.c_str());
                return;
            }
            auto* journey = m_journey.journey();
            if (journey && journey->add_page(std::move(*outcome->page), outcome->replace)) {
                ++m_view.scanned;
                m_view.last_page = outcome->replace >= 0 ? outcome->replace + 1 : static_cast<int>(journey->pages(journey->step().id).size());
            }
        });
}

void DocumentFeature::update(const FrameEvents&)
{
    auto* step = document_step();
    if (step != m_step) { // another step: its own previews, no problem carried over
        m_step = step;
        m_view.problem.clear();
        m_view.scanned = 0;
        drop_previews();
    }
    if (step)
        sync_previews();
}

// One preview per page of the step, made again only for a page that changed (a retake) or when the
// display's renderer changed (its textures went with it).
void DocumentFeature::sync_previews()
{
    SDL_Renderer* renderer = m_renderer ? m_renderer() : nullptr;
    if (renderer != m_previews_renderer) {
        // The old renderer took its textures with it when it was destroyed: forget them, touch nothing.
        m_previews.clear();
        m_view.previews.clear();
        m_previews_renderer = renderer;
    }
    auto& pages = m_journey.journey()->pages(m_step->id);
    bool changed = m_previews.size() != pages.size();
    for (size_t i = 0; i < pages.size(); ++i) {
        if (i < m_previews.size() && m_previews[i].sha256 == pages[i].sha256)
            continue;
        changed = true;
        if (i < m_previews.size() && m_previews[i].texture)
            SDL_DestroyTexture(m_previews[i].texture);
        auto preview = make_preview(pages[i]);
        if (i < m_previews.size())
            m_previews[i] = std::move(preview);
        else
            m_previews.push_back(std::move(preview));
    }
    while (m_previews.size() > pages.size()) {
        if (m_previews.back().texture)
            SDL_DestroyTexture(m_previews.back().texture);
        m_previews.pop_back();
    }
    if (!changed && m_view.previews.size() == m_previews.size())
        return; // the frame's usual case: nothing to make again
    m_view.previews.clear();
    for (auto& preview : m_previews)
        m_view.previews.push_back({ preview.texture, preview.width, preview.height });
}

// The page decoded, scaled down to preview_height with a box filter, into a streaming texture (so it can be
// wiped before it is destroyed). The full-size pixels are wiped at once.
DocumentFeature::Preview DocumentFeature::make_preview(const ScannedPage& page) const
{
    Preview preview { .sha256 = page.sha256 };
    if (!m_previews_renderer)
        return preview;
    auto image = devices::decode_jpeg(page.jpeg);
    if (!image) {
        std::fprintf(stderr, "guichet: a page preview could not be made: %s\n", image.error().message.c_str());
        return preview;
    }
    int step = std::max(1, (image->height + preview_height - 1) / preview_height);
    int width = std::max(1, image->width / step), height = std::max(1, image->height / step);
    SDL_Texture* texture = SDL_CreateTexture(m_previews_renderer, SDL_PIXELFORMAT_RGB24, SDL_TEXTUREACCESS_STREAMING, width, height);
    void* pixels = nullptr;
    int pitch = 0;
    if (texture && SDL_LockTexture(texture, nullptr, &pixels, &pitch) == 0) {
        int channels = image->channels;
        for (int y = 0; y < height; ++y) {
            auto* row = static_cast<uint8_t*>(pixels) + static_cast<ptrdiff_t>(y) * pitch;
            for (int x = 0; x < width; ++x) {
                unsigned sum[3] = { 0, 0, 0 };
                for (int dy = 0; dy < step; ++dy) {
                    const uint8_t* source = image->pixels.data()
                        + (static_cast<size_t>(y * step + dy) * static_cast<size_t>(image->width) + static_cast<size_t>(x * step)) * channels;
                    for (int dx = 0; dx < step; ++dx, source += channels) {
                        for (int c = 0; c < 3; ++c)
                            sum[c] += source[channels == 1 ? 0 : c];
                    }
                }
                for (int c = 0; c < 3; ++c)
                    row[x * 3 + c] = static_cast<uint8_t>(sum[c] / static_cast<unsigned>(step * step));
            }
        }
        SDL_UnlockTexture(texture);
        preview.texture = texture;
        preview.width = width;
        preview.height = height;
    } else if (texture) {
        SDL_DestroyTexture(texture);
    }
    return preview;
}

void DocumentFeature::drop_previews()
{
    for (auto& preview : m_previews) {
        if (!preview.texture)
            continue;
        // The page's pixels do not outlive it in the renderer's memory either.
        void* pixels = nullptr;
        int pitch = 0;
        if (SDL_LockTexture(preview.texture, nullptr, &pixels, &pitch) == 0) {
            std::memset(pixels, 0, static_cast<size_t>(pitch) * static_cast<size_t>(preview.height));
            SDL_UnlockTexture(preview.texture);
        }
        SDL_DestroyTexture(preview.texture);
    }
    m_previews.clear();
    m_view.previews.clear();
}

void DocumentFeature::prepare(screens::FrameContext& context) const
{
    if (m_step && document_step() == m_step)
        context.document = &m_view;
}

void DocumentFeature::session_ended()
{
    if (m_cancel)
        *m_cancel = true; // a scan still running ends; its page is dropped when it comes back
    ++m_generation;
    m_view = {};
    m_step = nullptr;
    drop_previews();
}

}
