#pragma once
// A SQLite VFS over the platform's that writes a commit's WAL frames in one system call.
//
// SQLite writes each WAL frame as two pwrite calls (its 24-byte header, then the page): a batch of
// messages is hundreds of frames, and each call costs more in the kernel than the bytes it copies.
// Over this VFS, a WAL file keeps the frames of a transaction in memory while they follow one
// another, and writes them at once when SQLite syncs the file (or reads it, sizes it, truncates
// it, closes it). Measured: decisions/0037.
//
// Only while the connection's commits sync the WAL (synchronous = FULL) is this safe: SQLite makes
// a commit visible to readers right after its sync, and a commit that does not sync gives no call
// at which to write. A connection turns combining on with combine_wal_writes(db, true); it is off
// at open, and every file but a WAL goes straight through.
//
// Threading: as SQLite's own files. A connection's files are used by one thread at a time.

#include <sqlite3.h>

namespace cimbus::store::detail {

// The name to open a connection with (sqlite3_open_v2's zVfs); registers the VFS at first use.
const char* wal_write_combining_vfs();

// Whether the WAL of `db`'s main database combines its writes from now on. Turned off, what it
// holds is written first. Returns SQLITE_OK, or the error of that write.
int combine_wal_writes(sqlite3* db, bool on);

}  // namespace cimbus::store::detail
