#include "wal_write_combining.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <cstring>
#include <mutex>
#include <vector>

namespace cimbus::store::detail {

namespace {

constexpr const char* kVfsName = "cimbus-wal-combining";
// Written at once when a transaction's frames reach this: a large batch makes a few writes, and
// the buffer a WAL keeps stays small beside the adapter's memory target.
constexpr std::size_t kMostPending = 1 << 20;
// A WAL frame's header, which SQLite writes on its own before the frame's page. Bytes 4 to 7 are
// the database's size in pages after a commit in a transaction's last frame, and zero in others.
constexpr int kFrameHeaderBytes = 24;
// SQLite's unix VFS keeps only the low 17 bits of a write's length (seekAndWrite: nBuf &= 0x1ffff),
// and answers SQLITE_FULL when a length of 128 KiB or more comes out short: pieces stay below it.
constexpr std::size_t kMostWritten = 124 * 1024;

// What a WAL holds back: bytes meant for the file from offset `at`, in one run.
struct Pending {
  sqlite3_int64 at = 0;
  std::vector<char> bytes;
};

// SQLite allocates szOsFile bytes per open file: this, then the platform VFS's own file.
struct CombiningFile {
  sqlite3_file base;                // first: SQLite sees this
  sqlite3_file* real;               // the platform's file, right after this struct
  Pending* pending;                 // a WAL: what it holds back; else null
  sqlite3_int64 commit_page_at;     // a WAL: where the page of the commit frame just written goes (-1: none)
};
static_assert(sizeof(CombiningFile) % 8 == 0, "the platform's file follows it, aligned");

sqlite3_vfs* platform(sqlite3_vfs* vfs) { return static_cast<sqlite3_vfs*>(vfs->pAppData); }
CombiningFile* of(sqlite3_file* file) { return reinterpret_cast<CombiningFile*>(file); }
const sqlite3_io_methods& real_methods(sqlite3_file* file) { return *of(file)->real->pMethods; }

bool is_commit_frame_header(const void* data, int amount) {
  if (amount != kFrameHeaderBytes) return false;
  const auto* b = static_cast<const unsigned char*>(data);
  return (b[4] | b[5] | b[6] | b[7]) != 0;
}

// Writes what `f` holds back. Emptied whatever the outcome: after a failed write the transaction
// fails, and SQLite writes its frames again.
int write_pending(CombiningFile& f) {
  if (f.pending == nullptr || f.pending->bytes.empty()) return SQLITE_OK;
  Pending& p = *f.pending;
  int rc = SQLITE_OK;
  for (std::size_t done = 0; done < p.bytes.size() && rc == SQLITE_OK; done += kMostWritten) {
    const std::size_t piece = std::min(kMostWritten, p.bytes.size() - done);
    rc = f.real->pMethods->xWrite(f.real, p.bytes.data() + done, static_cast<int>(piece), p.at + static_cast<sqlite3_int64>(done));
  }
  p.bytes.clear();
  return rc;
}

int combining_close(sqlite3_file* file) {
  CombiningFile& f = *of(file);
  const int written = write_pending(f);
  delete f.pending;
  f.pending = nullptr;
  const int rc = f.real->pMethods->xClose(f.real);
  return written != SQLITE_OK ? written : rc;
}

int combining_read(sqlite3_file* file, void* buffer, int amount, sqlite3_int64 offset) {
  if (const int rc = write_pending(*of(file)); rc != SQLITE_OK) return rc;
  return real_methods(file).xRead(of(file)->real, buffer, amount, offset);
}

// A write that continues (or rewrites part of) the run held back joins it; any other first
// writes the run. A commit frame's header writes the run with itself at once, and the commit
// frame's page goes straight after it: when SQLite makes the commit visible to readers, with or
// without a sync, every byte of it is in the file, and a failed write fails the commit.
int combining_write(sqlite3_file* file, const void* data, int amount, sqlite3_int64 offset) {
  CombiningFile& f = *of(file);
  if (f.pending == nullptr) return real_methods(file).xWrite(f.real, data, amount, offset);
  if (offset == f.commit_page_at) {  // nothing is held: its header wrote the run
    f.commit_page_at = -1;
    return real_methods(file).xWrite(f.real, data, amount, offset);
  }
  f.commit_page_at = -1;
  Pending& p = *f.pending;
  const auto* bytes = static_cast<const char*>(data);
  const auto held = static_cast<sqlite3_int64>(p.bytes.size());
  if (!p.bytes.empty() && offset >= p.at && offset <= p.at + held) {
    // Copied in place over what it rewrites, appended past the end (never zero-filled first).
    const auto from = static_cast<std::size_t>(offset - p.at);
    const std::size_t over = std::min(static_cast<std::size_t>(amount), p.bytes.size() - from);
    std::memcpy(p.bytes.data() + from, bytes, over);
    p.bytes.insert(p.bytes.end(), bytes + over, bytes + amount);
  } else {
    if (const int rc = write_pending(f); rc != SQLITE_OK) return rc;
    p.at = offset;
    p.bytes.assign(bytes, bytes + amount);
  }
  if (is_commit_frame_header(data, amount)) {
    f.commit_page_at = offset + amount;
    return write_pending(f);
  }
  return p.bytes.size() >= kMostPending ? write_pending(f) : SQLITE_OK;
}

int combining_truncate(sqlite3_file* file, sqlite3_int64 size) {
  if (const int rc = write_pending(*of(file)); rc != SQLITE_OK) return rc;
  return real_methods(file).xTruncate(of(file)->real, size);
}

int combining_sync(sqlite3_file* file, int flags) {
  if (const int rc = write_pending(*of(file)); rc != SQLITE_OK) return rc;
  return real_methods(file).xSync(of(file)->real, flags);
}

int combining_file_size(sqlite3_file* file, sqlite3_int64* size) {
  if (const int rc = write_pending(*of(file)); rc != SQLITE_OK) return rc;
  return real_methods(file).xFileSize(of(file)->real, size);
}

int combining_lock(sqlite3_file* file, int level) { return real_methods(file).xLock(of(file)->real, level); }
int combining_unlock(sqlite3_file* file, int level) { return real_methods(file).xUnlock(of(file)->real, level); }
int combining_check_reserved_lock(sqlite3_file* file, int* out) { return real_methods(file).xCheckReservedLock(of(file)->real, out); }
int combining_file_control(sqlite3_file* file, int op, void* arg) { return real_methods(file).xFileControl(of(file)->real, op, arg); }
int combining_sector_size(sqlite3_file* file) { return real_methods(file).xSectorSize(of(file)->real); }
int combining_device_characteristics(sqlite3_file* file) { return real_methods(file).xDeviceCharacteristics(of(file)->real); }

int combining_shm_map(sqlite3_file* file, int page, int size, int extend, void volatile** out) {
  if (real_methods(file).iVersion < 2) return SQLITE_IOERR_SHMMAP;
  return real_methods(file).xShmMap(of(file)->real, page, size, extend, out);
}
int combining_shm_lock(sqlite3_file* file, int offset, int n, int flags) {
  if (real_methods(file).iVersion < 2) return SQLITE_IOERR_SHMLOCK;
  return real_methods(file).xShmLock(of(file)->real, offset, n, flags);
}
void combining_shm_barrier(sqlite3_file* file) {
  if (real_methods(file).iVersion >= 2) real_methods(file).xShmBarrier(of(file)->real);
}
int combining_shm_unmap(sqlite3_file* file, int remove) {
  if (real_methods(file).iVersion < 2) return SQLITE_OK;
  return real_methods(file).xShmUnmap(of(file)->real, remove);
}
int combining_fetch(sqlite3_file* file, sqlite3_int64 offset, int amount, void** out) {
  *out = nullptr;  // no mapping: SQLite reads instead
  if (real_methods(file).iVersion < 3) return SQLITE_OK;
  return real_methods(file).xFetch(of(file)->real, offset, amount, out);
}
int combining_unfetch(sqlite3_file* file, sqlite3_int64 offset, void* page) {
  if (real_methods(file).iVersion < 3) return SQLITE_OK;
  return real_methods(file).xUnfetch(of(file)->real, offset, page);
}

const sqlite3_io_methods kMethods = {
    3,
    combining_close,
    combining_read,
    combining_write,
    combining_truncate,
    combining_sync,
    combining_file_size,
    combining_lock,
    combining_unlock,
    combining_check_reserved_lock,
    combining_file_control,
    combining_sector_size,
    combining_device_characteristics,
    combining_shm_map,
    combining_shm_lock,
    combining_shm_barrier,
    combining_shm_unmap,
    combining_fetch,
    combining_unfetch,
};

int combining_open(sqlite3_vfs* vfs, const char* name, sqlite3_file* file, int flags, int* out_flags) {
  auto* f = of(file);
  std::memset(f, 0, static_cast<std::size_t>(vfs->szOsFile));  // the platform's file too: its pMethods is read on failure
  f->real = reinterpret_cast<sqlite3_file*>(reinterpret_cast<char*>(f) + sizeof(CombiningFile));
  f->commit_page_at = -1;
  const int rc = platform(vfs)->xOpen(platform(vfs), name, f->real, flags, out_flags);
  if (rc != SQLITE_OK) {
    if (f->real->pMethods != nullptr) f->real->pMethods->xClose(f->real);
    f->base.pMethods = nullptr;  // SQLite closes nothing
    return rc;
  }
  if ((flags & SQLITE_OPEN_WAL) != 0) f->pending = new Pending;
  f->base.pMethods = &kMethods;
  return SQLITE_OK;
}

// The rest of the VFS is the platform's.
int combining_delete(sqlite3_vfs* vfs, const char* name, int sync_dir) { return platform(vfs)->xDelete(platform(vfs), name, sync_dir); }
int combining_access(sqlite3_vfs* vfs, const char* name, int flags, int* out) { return platform(vfs)->xAccess(platform(vfs), name, flags, out); }
int combining_full_pathname(sqlite3_vfs* vfs, const char* name, int size, char* out) {
  return platform(vfs)->xFullPathname(platform(vfs), name, size, out);
}
void* combining_dl_open(sqlite3_vfs* vfs, const char* name) { return platform(vfs)->xDlOpen(platform(vfs), name); }
void combining_dl_error(sqlite3_vfs* vfs, int size, char* out) { platform(vfs)->xDlError(platform(vfs), size, out); }
void (*combining_dl_sym(sqlite3_vfs* vfs, void* library, const char* symbol))(void) {
  return platform(vfs)->xDlSym(platform(vfs), library, symbol);
}
void combining_dl_close(sqlite3_vfs* vfs, void* library) { platform(vfs)->xDlClose(platform(vfs), library); }
int combining_randomness(sqlite3_vfs* vfs, int size, char* out) { return platform(vfs)->xRandomness(platform(vfs), size, out); }
int combining_sleep(sqlite3_vfs* vfs, int microseconds) { return platform(vfs)->xSleep(platform(vfs), microseconds); }
int combining_current_time(sqlite3_vfs* vfs, double* out) { return platform(vfs)->xCurrentTime(platform(vfs), out); }
int combining_get_last_error(sqlite3_vfs* vfs, int size, char* out) { return platform(vfs)->xGetLastError(platform(vfs), size, out); }
int combining_current_time_int64(sqlite3_vfs* vfs, sqlite3_int64* out) {
  return platform(vfs)->xCurrentTimeInt64(platform(vfs), out);
}
int combining_set_system_call(sqlite3_vfs* vfs, const char* name, sqlite3_syscall_ptr call) {
  return platform(vfs)->xSetSystemCall(platform(vfs), name, call);
}
sqlite3_syscall_ptr combining_get_system_call(sqlite3_vfs* vfs, const char* name) {
  return platform(vfs)->xGetSystemCall(platform(vfs), name);
}
const char* combining_next_system_call(sqlite3_vfs* vfs, const char* name) { return platform(vfs)->xNextSystemCall(platform(vfs), name); }

}  // namespace

const char* wal_write_combining_vfs() {
  static std::once_flag once;
  static sqlite3_vfs vfs;
  static const char* name = nullptr;
  std::call_once(once, [] {
    sqlite3_vfs* real = sqlite3_vfs_find(nullptr);
    if (real == nullptr || real->iVersion < 3) return;  // SQLite's default VFS, as it is
    vfs = sqlite3_vfs{};
    vfs.iVersion = 3;
    vfs.szOsFile = static_cast<int>(sizeof(CombiningFile)) + real->szOsFile;
    vfs.mxPathname = real->mxPathname;
    vfs.zName = kVfsName;
    vfs.pAppData = real;
    vfs.xOpen = combining_open;
    vfs.xDelete = combining_delete;
    vfs.xAccess = combining_access;
    vfs.xFullPathname = combining_full_pathname;
    vfs.xDlOpen = combining_dl_open;
    vfs.xDlError = combining_dl_error;
    vfs.xDlSym = combining_dl_sym;
    vfs.xDlClose = combining_dl_close;
    vfs.xRandomness = combining_randomness;
    vfs.xSleep = combining_sleep;
    vfs.xCurrentTime = combining_current_time;
    vfs.xGetLastError = combining_get_last_error;
    vfs.xCurrentTimeInt64 = combining_current_time_int64;
    vfs.xSetSystemCall = combining_set_system_call;
    vfs.xGetSystemCall = combining_get_system_call;
    vfs.xNextSystemCall = combining_next_system_call;
    if (sqlite3_vfs_register(&vfs, 0) == SQLITE_OK) name = kVfsName;
  });
  return name;
}

}  // namespace cimbus::store::detail
