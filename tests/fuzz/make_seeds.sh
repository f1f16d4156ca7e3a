#!/usr/bin/env bash
# Regenerates the seed corpora under tests/fuzz/seeds/ from the project's
# captures (pcaps/) and, when present, ../shared/corpus/tcpdump-malformed:
#   seeds/capture/  small whole capture files (pcap and pcapng), and classic
#                   pcap files cut to their first records, for fuzz_capture
#   seeds/frames/   the frames of those captures in fuzz_frames' input format
#                   (see the comment at the top of fuzz_frames.c)
# Deterministic: the same captures give the same seeds.  Keeps the total
# under 2 MB.  Needs python3.  Usage: tests/fuzz/make_seeds.sh [SOURCE_DIR]
set -eu
src=${1:-$(cd "$(dirname "$0")/../.." && pwd)}
out="$src/tests/fuzz/seeds"
command -v python3 >/dev/null || { echo "make_seeds: python3 is needed" >&2; exit 1; }
rm -rf "$out/capture" "$out/frames"
mkdir -p "$out/capture" "$out/frames"
python3 - "$src" "$out" <<'EOF'
import hashlib, os, struct, sys

src, out = sys.argv[1], sys.argv[2]
# fuzz_frames' link table, FRAME_LINKS[] in fuzz_frames.c: DLT -> index.
FRAME_LINK_INDEX = {1: 0, 113: 1, 276: 2, 12: 3, 228: 4, 229: 5, 0: 6, 108: 7, 101: 8}
CAPTURE_MAX = 8192         # a whole capture is a seed if this small
CAPTURE_CUT = 4096         # larger classic pcaps: header + first records up to this
FRAMES_MAX = 2048          # bytes of frames per frames seed
FRAMES_PER_FILE = 2        # seeds taken from one capture (start, then next chunk)
NON_TCP_MAX = 24           # captures without TCP that still give seeds (per kind)
TOTAL_MAX = 1500 * 1024

def read_pcap(data):
    """Classic pcap: (dlt, [(ts_us, wirelen, frame)], header bytes, record ends) or None."""
    if len(data) < 24:
        return None
    magic = data[:4]
    table = {b'\xd4\xc3\xb2\xa1': ('<', 1), b'\xa1\xb2\xc3\xd4': ('>', 1),
             b'\x4d\x3c\xb2\xa1': ('<', 1000), b'\xa1\xb2\x3c\x4d': ('>', 1000)}
    if magic not in table:
        return None
    e, div = table[magic]
    dlt = struct.unpack(e + 'I', data[20:24])[0] & 0x03ffffff
    pkts, ends, off = [], [], 24
    while off + 16 <= len(data):
        sec, frac, incl, orig = struct.unpack(e + 'IIII', data[off:off + 16])
        if incl > 262144 or off + 16 + incl > len(data):
            break
        pkts.append((sec * 1000000 + frac // div, orig, data[off + 16:off + 16 + incl]))
        off += 16 + incl
        ends.append(off)
    return dlt, pkts, data[:24], ends

def read_pcapng(data):
    """pcapng: (dlt of the first interface, packets) from EPB/SPB/PB blocks, or None."""
    if len(data) < 28 or data[:4] != b'\x0a\x0d\x0d\x0a':
        return None
    bom = data[8:12]
    e = '<' if bom == b'\x4d\x3c\x2b\x1a' else '>' if bom == b'\x1a\x2b\x3c\x4d' else None
    if e is None:
        return None
    off, dlts, pkts = 0, [], []
    while off + 12 <= len(data):
        btype, blen = struct.unpack(e + 'II', data[off:off + 8])
        if blen < 12 or blen % 4 or off + blen > len(data):
            break
        body = data[off + 8:off + blen - 4]
        if btype == 1 and len(body) >= 8:
            dlts.append(struct.unpack(e + 'H', body[:2])[0])
        elif btype == 6 and len(body) >= 20:
            iface, hi, lo, cap, orig = struct.unpack(e + 'IIIII', body[:20])
            if iface < len(dlts):
                pkts.append(((hi << 32 | lo), orig, body[20:20 + cap]))
        elif btype == 3 and len(body) >= 4:
            orig = struct.unpack(e + 'I', body[:4])[0]
            pkts.append((pkts[-1][0] if pkts else 0, orig, body[4:4 + orig]))
        off += blen
    if not dlts:
        return None
    return dlts[0], pkts

def ip_is_tcp(ip):
    if len(ip) >= 20 and ip[0] >> 4 == 4:
        return ip[9] == 6
    if len(ip) >= 40 and ip[0] >> 4 == 6:
        return ip[6] in (6, 0, 43, 44, 60)   # TCP, or an extension header first
    return False

def has_tcp(dlt, frame):
    """Roughly: does this frame carry TCP (first header only)?"""
    if dlt == 1:
        off = 12
        while off + 2 <= len(frame) and frame[off:off + 2] in (b'\x81\x00', b'\x88\xa8', b'\x91\x00'):
            off += 4
        return frame[off:off + 2] in (b'\x08\x00', b'\x86\xdd') and ip_is_tcp(frame[off + 2:])
    hdr = {113: 16, 276: 20, 0: 4, 108: 4}.get(dlt, 0)
    return ip_is_tcp(frame[hdr:])

def time_byte(delta_us):
    if delta_us < 0:
        return 0xc0 | min(63, (-delta_us + 999999) // 1000000)
    if delta_us < 64 * 1000:
        return delta_us // 1000
    if delta_us < 64 * 1000000:
        return 0x40 | delta_us // 1000000
    return 0x80 | min(63, delta_us // (128 * 1000000))

def frames_seed(link, opts, pkts, first_ts):
    body = bytearray([link, opts[0], opts[1]])
    prev = first_ts
    for ts, orig, frame in pkts:
        frame = frame[:0xffff]
        extra = max(0, orig - len(frame))
        w = min(0x7e, (extra + 7) // 8)
        if len(body) + 4 + len(frame) > FRAMES_MAX and len(body) > 3:
            break
        body += struct.pack('>HBB', len(frame), time_byte(ts - prev), w)
        body += frame
        prev = ts
    return bytes(body)

def sources():
    roots = [os.path.join(src, 'pcaps'),
             os.path.join(src, '..', 'shared', 'corpus', 'tcpdump-malformed')]
    for root in roots:
        if not os.path.isdir(root):
            continue
        for dirpath, dirnames, files in sorted(os.walk(root)):
            dirnames.sort()
            for f in sorted(files):
                if f.endswith(('.pcap', '.pcapng', '.cap')):
                    yield os.path.join(dirpath, f)

seen, total, non_tcp = set(), 0, 0
counts = {'capture': 0, 'frames': 0}

def write(kind, name, data):
    global total
    h = hashlib.sha1(data).hexdigest()
    if (kind, h) in seen or total + len(data) > TOTAL_MAX:
        return
    seen.add((kind, h))
    total += len(data)
    counts[kind] += 1
    path, n = os.path.join(out, kind, name), 1
    while os.path.exists(path):   # same file name in two source directories
        n += 1
        path = os.path.join(out, kind, '%s~%d' % (name, n))
    with open(path, 'wb') as f:
        f.write(data)

files = list(sources())
# Scenario captures first: they are small and tell the tracker's story.
files.sort(key=lambda p: (0 if '/pcaps/' in p else 1, p))
for path in files:
    with open(path, 'rb') as f:
        data = f.read(1 << 20)
    base = os.path.basename(path).replace(' ', '_')
    tag = hashlib.sha1(base.encode()).digest()
    parsed = read_pcap(data)
    if parsed:
        dlt, pkts, header, ends = parsed
    else:
        ng = read_pcapng(data)
        if not ng:
            continue
        (dlt, pkts), header, ends = ng, None, []
    supported = dlt in FRAME_LINK_INDEX
    tcp = supported and any(has_tcp(dlt, p[2]) for p in pkts)
    if not tcp and '/pcaps/' not in path:
        if non_tcp >= NON_TCP_MAX:
            continue
        non_tcp += 1
    # capture seeds
    if len(data) <= CAPTURE_MAX and (supported or not parsed):
        write('capture', base, data)
    elif header is not None and supported:
        keep = [e for e in ends if e <= CAPTURE_CUT]
        if keep:
            write('capture', base + '.head', data[:keep[-1]])
    # frames seeds
    if supported and pkts:
        i = 0
        for n in range(FRAMES_PER_FILE if tcp else 1):
            if i >= len(pkts):
                break
            # reporter byte: JSON or text, names, time formats, summary; tracker
            # byte: the short timer profile half the time, max flows 64 or 4.
            opts = (tag[n] | 0x80) & ~0x20, (tag[2 + n] & 0x0d) | (0x10 if n else 0)
            seed = frames_seed(FRAME_LINK_INDEX[dlt], opts, pkts[i:], pkts[i][0])
            used = 0
            off = 3
            while off + 4 <= len(seed):
                used += 1
                off += 4 + struct.unpack('>H', seed[off:off + 2])[0]
            write('frames', '%s.%d' % (base, n), seed)
            i += max(used, 1)
# A few synthetic frames seeds for paths the captures do not reach.
def tcp4(src, dst, sport, dport, flags, seq, ack, payload=b''):
    total = 40 + len(payload)
    ip = bytes([0x45, 0, total >> 8, total & 255, 0, 0, 0x40, 0, 64, 6, 0, 0]) + bytes(src) + bytes(dst)
    tcp = struct.pack('>HHIIBBHHH', sport, dport, seq, ack, 0x50, flags, 65535, 0, 0)
    return ip + tcp + payload

def frames(link, rep, trk, items):
    body = bytearray([link, rep, trk])
    for t, frame in items:
        body += struct.pack('>HBB', len(frame), t, 0) + frame
    return bytes(body)

A, B, C = [10, 0, 0, 1], [10, 0, 0, 2], [10, 0, 0, 3]
SYN, SYNACK, ACK, FIN, RST, PSH = 0x02, 0x12, 0x10, 0x11, 0x04, 0x18
handshake = [(1, tcp4(A, B, 40000, 80, SYN, 100, 0)), (1, tcp4(B, A, 80, 40000, SYNACK, 500, 101)),
             (1, tcp4(A, B, 40000, 80, ACK, 101, 501))]
# max flows 1 (tracker bits 3-4 = 01): an established flow, then another
# connection's SYN must evict it; then the data goes on (midstream again).
write('frames', 'synthetic-evict-live', frames(3, 0x81, 0x08, handshake + [
    (0x41, tcp4(C, B, 40001, 80, SYN, 900, 0)),
    (1, tcp4(A, B, 40000, 80, PSH, 101, 501, b'GET /')),
    (0x7f, tcp4(B, A, 80, 40000, FIN, 501, 106))]))
# Close, TIME_WAIT, reuse of the 4-tuple, far jump past every timer, JSON.
write('frames', 'synthetic-close-reuse', frames(3, 0x8d, 0x01, handshake + [
    (1, tcp4(A, B, 40000, 80, FIN, 101, 501)), (1, tcp4(B, A, 80, 40000, ACK, 501, 102)),
    (1, tcp4(B, A, 80, 40000, FIN, 501, 102)), (1, tcp4(A, B, 40000, 80, ACK, 102, 502)),
    (0x42, tcp4(A, B, 40000, 80, SYN, 7000, 0)), (0xbf, tcp4(B, A, 80, 40000, RST, 0, 7001))]))
# Ethernet with nine VLAN tags (one more than the decoder accepts), then eight.
eth = bytes(12)
ip = tcp4(A, B, 1, 2, SYN, 1, 0)
write('frames', 'synthetic-vlan-tags', frames(0, 0x80, 0, [
    (1, eth + b'\x81\x00\x00\x01' * 9 + b'\x08\x00' + ip),
    (1, eth + b'\x88\xa8\x00\x01' + b'\x81\x00\x00\x01' * 7 + b'\x08\x00' + ip)]))
print('make_seeds: %d capture seeds, %d frames seeds, %d bytes' % (counts['capture'], counts['frames'], total))
EOF
