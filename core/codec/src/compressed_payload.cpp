#include "cimbus/codec/compressed_payload.hpp"

#include <zlib.h>

#include <cstring>

namespace cimbus {

namespace {

constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

std::string base64_encode(std::string_view bytes) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    unsigned v = (static_cast<unsigned char>(bytes[i]) << 16) | (static_cast<unsigned char>(bytes[i + 1]) << 8) |
                 static_cast<unsigned char>(bytes[i + 2]);
    out += kAlphabet[v >> 18];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += kAlphabet[v & 63];
  }
  if (i < bytes.size()) {
    unsigned v = static_cast<unsigned char>(bytes[i]) << 16;
    if (i + 1 < bytes.size()) v |= static_cast<unsigned char>(bytes[i + 1]) << 8;
    out += kAlphabet[v >> 18];
    out += kAlphabet[(v >> 12) & 63];
    out += i + 1 < bytes.size() ? kAlphabet[(v >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

bool base64_decode(std::string_view text, std::string& out) {
  int value[256];
  std::memset(value, -1, sizeof value);
  for (int i = 0; i < 64; ++i) value[static_cast<unsigned char>(kAlphabet[i])] = i;
  unsigned buffer = 0;
  int bits = 0;
  size_t padding = 0, symbols = 0;
  for (char c : text) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') continue;
    if (c == '=') { ++padding; continue; }
    if (padding > 0 || value[static_cast<unsigned char>(c)] < 0) return false;
    buffer = (buffer << 6) | value[static_cast<unsigned char>(c)];
    bits += 6;
    ++symbols;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((buffer >> bits) & 0xFF);
    }
  }
  return padding <= 2 && (symbols + padding) % 4 == 0;
}

}  // namespace

std::string compress_payload(std::string_view content) {
  z_stream z{};
  deflateInit2(&z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);  // +16: gzip wrapper
  std::string gz(deflateBound(&z, content.size()) + 32, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(content.data()));
  z.avail_in = static_cast<uInt>(content.size());
  z.next_out = reinterpret_cast<Bytef*>(gz.data());
  z.avail_out = static_cast<uInt>(gz.size());
  deflate(&z, Z_FINISH);
  gz.resize(z.total_out);
  deflateEnd(&z);
  return base64_encode(gz);
}

DecompressedPayload decompress_payload(std::string_view text, std::size_t max_bytes) {
  DecompressedPayload result;
  std::string raw;
  if (!base64_decode(text, raw)) {
    result.error = "not base64";
    return result;
  }
  if (raw.size() < 2 || static_cast<unsigned char>(raw[0]) != 0x1F || static_cast<unsigned char>(raw[1]) != 0x8B) {
    if (raw.size() > max_bytes) result.too_large = true;
    else result.content = std::move(raw);  // base64 of uncompressed content (Format=BINARY)
    return result;
  }
  z_stream z{};
  inflateInit2(&z, 15 + 32);  // +32: detect gzip or zlib header
  z.next_in = reinterpret_cast<Bytef*>(raw.data());
  z.avail_in = static_cast<uInt>(raw.size());
  char chunk[16384];
  int status = Z_OK;
  while (status != Z_STREAM_END) {
    z.next_out = reinterpret_cast<Bytef*>(chunk);
    z.avail_out = sizeof chunk;
    status = inflate(&z, Z_NO_FLUSH);
    if (status != Z_OK && status != Z_STREAM_END) {
      result.error = "gzip data is corrupt";
      break;
    }
    size_t produced = sizeof chunk - z.avail_out;
    if (result.content.size() + produced > max_bytes) {
      result.too_large = true;
      break;
    }
    result.content.append(chunk, produced);
    if (status == Z_OK && produced == 0 && z.avail_in == 0) {
      result.error = "gzip data is truncated";
      break;
    }
  }
  inflateEnd(&z);
  if (result.too_large || !result.error.empty()) result.content.clear();
  return result;
}

}  // namespace cimbus
