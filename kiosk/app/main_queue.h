// The main thread's task queue and the jobs that feed it. Workers (the uploader, content checks, staff
// jobs) never touch the screens: they post a task here, and the frame runs the tasks at its start
// (Tracy's RunQueue: swap the vector under the lock, run the tasks with the lock released). Posting
// is the one way a worker wakes the live loop.
#pragma once
#include <atomic>
#include <functional>
#include <future>
#include <mutex>
#include <utility>
#include <vector>

namespace guichet::app {

class MainQueue {
public:
    using Task = std::function<void()>;

    // `wake` makes the live loop render a frame (an SDL user event); it may run on any thread.
    explicit MainQueue(std::function<void()> wake = {})
        : m_wake(std::move(wake))
    {
    }
    // Any thread. An empty task only wakes the loop: a frame reads a worker's snapshot itself.
    void post(Task task);
    // The main thread, at the start of a frame. Tasks posted meanwhile wait for the next frame.
    void run_pending();
    bool pending() const;

private:
    std::function<void()> m_wake;
    mutable std::mutex m_mutex;
    std::vector<Task> m_tasks;
};

// Work a person waits for (a PIN check, a network test, a pack install), each on a thread of its own;
// its result comes back through the main queue. busy() until that result has been handled, so the
// headless driver waits for it as a person would. The destructor waits for the threads.
class Jobs {
public:
    explicit Jobs(MainQueue& queue)
        : m_queue(queue)
    {
    }
    ~Jobs() { wait(); }
    Jobs(const Jobs&) = delete;
    Jobs& operator=(const Jobs&) = delete;

    // `work()` runs on a worker; `done(result)` then runs on the main thread.
    template <class Work, class Done>
    void run(Work work, Done done)
    {
        ++m_running;
        std::lock_guard lock(m_mutex);
        std::erase_if(m_threads, [](auto& job) { return job.wait_for(std::chrono::seconds(0)) == std::future_status::ready; });
        m_threads.push_back(std::async(std::launch::async, [this, work = std::move(work), done = std::move(done)]() mutable {
            auto result = work();
            m_queue.post([this, done = std::move(done), result = std::move(result)]() mutable {
                done(std::move(result));
                --m_running;
            });
        }));
    }
    // From a worker: a progress report (a network step), run on the main thread.
    void post(MainQueue::Task task) { m_queue.post(std::move(task)); }
    bool busy() const { return m_running > 0; }
    void wait();

private:
    MainQueue& m_queue;
    std::atomic<int> m_running { 0 };
    std::mutex m_mutex;
    std::vector<std::future<void>> m_threads;
};

}
