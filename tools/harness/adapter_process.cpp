#include "adapter_process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <stdexcept>
#include <thread>

namespace cimbus::harness {

AdapterProcess::AdapterProcess(const std::string& executable, const std::string& config, std::chrono::seconds timeout)
    : AdapterProcess(std::vector<std::string>{executable, config}, timeout) {}

AdapterProcess::AdapterProcess(const std::vector<std::string>& command, std::chrono::seconds timeout, const std::string& log) {
  const std::string& executable = command.at(0);
  const std::string config = command.size() > 1 ? command[1] : std::string();
  int out[2];
  if (pipe(out) != 0) throw std::runtime_error("pipe");
  pid_ = fork();
  if (pid_ < 0) throw std::runtime_error("fork");
  if (pid_ == 0) {
    // A process group of its own: a Ctrl-C at the terminal reaches whoever started it, which
    // stops it in order (SIGTERM), not every process at once. Nothing blocked from its parent.
    setpgid(0, 0);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    signal(SIGINT, SIG_DFL);
    signal(SIGTERM, SIG_DFL);
    dup2(out[1], STDOUT_FILENO);
    if (!log.empty()) {
      const int fd = open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
      if (fd >= 0) dup2(fd, STDERR_FILENO);
    }
    close(out[0]);
    close(out[1]);
    std::vector<char*> argv;
    for (const std::string& a : command) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    execv(executable.c_str(), argv.data());
    _exit(127);
  }
  close(out[1]);
  std::string seen;
  const auto end = std::chrono::steady_clock::now() + timeout;
  while (seen.find("ready\n") == std::string::npos) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(end - std::chrono::steady_clock::now());
    pollfd p{out[0], POLLIN, 0};
    if (left.count() <= 0 || poll(&p, 1, static_cast<int>(left.count())) <= 0) break;
    char buffer[256];
    const ssize_t n = read(out[0], buffer, sizeof buffer);
    if (n <= 0) break;
    seen.append(buffer, static_cast<std::size_t>(n));
  }
  close(out[0]);  // later output goes nowhere: the process writes nothing else to stdout
  if (seen.find("ready\n") == std::string::npos) {
    kill_hard();
    throw std::runtime_error(executable + " did not get ready (" + config + ")");
  }
}

AdapterProcess::~AdapterProcess() {
  if (running()) kill_hard();
}

bool AdapterProcess::running() const { return pid_ > 0; }

int AdapterProcess::stop(std::chrono::seconds timeout) {
  if (!running()) return -1;
  ::kill(pid_, SIGTERM);
  const auto end = std::chrono::steady_clock::now() + timeout;
  int status = 0;
  while (std::chrono::steady_clock::now() < end) {
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  kill_hard();
  return -1;
}

void AdapterProcess::kill_hard() {
  if (!running()) return;
  ::kill(pid_, SIGKILL);
  waitpid(pid_, nullptr, 0);
  pid_ = -1;
}

}  // namespace cimbus::harness
