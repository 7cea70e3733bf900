#pragma once
// A SQLite VFS over the platform's that writes a transaction's WAL frames in few system calls.
//
// SQLite writes each WAL frame as two pwrite calls (its 24-byte header, then the page): a batch of
// messages is hundreds of frames, and each call costs more in the kernel than the bytes it copies.
// Over this VFS, a WAL holds its writes back while they follow one another. The header of a
// transaction's commit frame writes them at once, with itself, and the commit frame's page goes
// straight after: the transaction is in the file before SQLite makes it visible to readers,
// whatever the connection's `synchronous`, and a failed write fails the commit. A read, a sync, a
// size, a truncation or a close writes what is held first, and so does a write elsewhere in the
// file. Every file but a WAL goes straight through. Measured: decisions/0037.
//
// Threading: as SQLite's own files. A connection's files are used by one thread at a time.

namespace cimbus::store::detail {

// The name to open a connection with (sqlite3_open_v2's zVfs); registers the VFS at first use.
// Null, SQLite's default VFS, if the platform's VFS is older than version 3.
const char* wal_write_combining_vfs();

}  // namespace cimbus::store::detail
