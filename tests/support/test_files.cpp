#include "test_files.hpp"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include <unistd.h>

#include "cimbus/store/postgresql_engine.hpp"

namespace fs = std::filesystem;

namespace cimbus::test {

std::string reference(const std::string& relative) { return std::string(CIMBUS_REFERENCE_DIR) + "/" + relative; }

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::vector<std::string> list_files(const std::string& dir, const std::string& prefix, const std::string& suffix) {
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(dir)) {
    std::string name = e.path().filename().string();
    if (name.rfind(prefix, 0) == 0 && name.size() >= suffix.size() &&
        name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0)
      out.push_back(e.path().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::string scratch_file(const std::string& name, const std::string& content) {
  fs::create_directories(CIMBUS_TEST_TMP);
  std::string path = std::string(CIMBUS_TEST_TMP) + "/" + name;
  fs::create_directories(fs::path(path).parent_path());
  std::ofstream(path, std::ios::binary) << content;
  return path;
}

std::string fresh_store_file(const std::string& folder, const std::string& name) {
  const std::string dir = std::string(CIMBUS_TEST_TMP) + "/" + folder;
  fs::create_directories(dir);
  const std::string path = dir + "/" + name + ".sqlite";
  for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(path + suffix);
  return path;
}

bool testing_postgresql() {
  const char* url = std::getenv("CIMBUS_TEST_POSTGRES_URL");
  return url != nullptr && *url != '\0';
}

std::string fresh_store(const std::string& folder, const std::string& name) {
  if (!testing_postgresql()) return fresh_store_file(folder, name);
  std::string database = folder + "_" + name;
  for (char& c : database) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  const std::string server = std::getenv("CIMBUS_TEST_POSTGRES_URL");
  store::create_postgresql_database(server, database, true);
  return store::postgresql_database_url(server, database);
}

std::string xmllint_errors(const std::string& xml, const std::string& xsd) {
  static int counter = 0;
  // Named by process too: ctest runs each test in a process of its own, several at once.
  std::string path = scratch_file("xmllint_" + std::to_string(::getpid()) + "_" + std::to_string(++counter) + ".xml", xml);
  std::string command = "xmllint --noout --schema '" + xsd + "' '" + path + "' 2>&1";
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return "cannot run xmllint";
  std::string output;
  char buffer[4096];
  while (size_t n = fread(buffer, 1, sizeof buffer, pipe)) output.append(buffer, n);
  int status = pclose(pipe);
  return status == 0 ? std::string() : output.empty() ? "xmllint failed" : output;
}

}  // namespace cimbus::test
