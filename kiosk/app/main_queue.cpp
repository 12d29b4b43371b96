// The main thread's task queue (see main_queue.h).
#include "kiosk/app/main_queue.h"

namespace guichet::app {

void MainQueue::post(Task task)
{
    {
        std::lock_guard lock(m_mutex);
        if (task)
            m_tasks.push_back(std::move(task));
    }
    if (m_wake)
        m_wake();
}

void MainQueue::run_pending()
{
    std::vector<Task> tasks;
    {
        std::lock_guard lock(m_mutex);
        tasks.swap(m_tasks);
    }
    for (auto& task : tasks)
        task();
}

bool MainQueue::pending() const
{
    std::lock_guard lock(m_mutex);
    return !m_tasks.empty();
}

void Jobs::wait()
{
    std::lock_guard lock(m_mutex);
    for (auto& job : m_threads)
        job.wait();
    m_threads.clear();
}

}
