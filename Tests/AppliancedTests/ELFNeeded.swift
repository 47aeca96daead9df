#if canImport(Glibc)
    import Glibc
#endif

/// The `DT_NEEDED` entries of a 64-bit little-endian ELF file (what `readelf -d` lists as NEEDED):
/// program headers → `PT_DYNAMIC` → the string table found through the `PT_LOAD` that maps it.
enum ELFNeeded {
    static func libraries(of path: String) -> [String]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        func bytes(_ offset: UInt64, _ count: Int) -> [UInt8]? {
            var buffer = [UInt8](repeating: 0, count: count)
            let got = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, count, off_t(offset)) }
            return got == count ? buffer : nil
        }
        func integer(_ buffer: [UInt8], _ at: Int, _ size: Int) -> UInt64 {
            (0..<size).reduce(UInt64(0)) { $0 | UInt64(buffer[at + $1]) << (8 * UInt64($1)) }
        }
        // ELFCLASS64, ELFDATA2LSB.
        guard let header = bytes(0, 64), header[0..<4] == [0x7f, 0x45, 0x4c, 0x46], header[4] == 2, header[5] == 1 else { return nil }
        let (phoff, phentsize, phnum) = (integer(header, 32, 8), Int(integer(header, 54, 2)), Int(integer(header, 56, 2)))
        var loads: [(vaddr: UInt64, offset: UInt64, size: UInt64)] = []
        var dynamic: (offset: UInt64, size: UInt64)?
        for index in 0..<phnum {
            guard let entry = bytes(phoff + UInt64(index * phentsize), phentsize) else { return nil }
            let type = integer(entry, 0, 4)
            if type == 1 { loads.append((integer(entry, 16, 8), integer(entry, 8, 8), integer(entry, 32, 8))) }
            if type == 2 { dynamic = (integer(entry, 8, 8), integer(entry, 32, 8)) }
        }
        guard let dynamic, let table = bytes(dynamic.offset, Int(dynamic.size)) else { return nil }
        var needed: [UInt64] = []
        var strtab: UInt64?
        var strsz: UInt64 = 0
        for at in stride(from: 0, to: table.count - 15, by: 16) {
            let (tag, value) = (integer(table, at, 8), integer(table, at + 8, 8))
            if tag == 0 { break }
            if tag == 1 { needed.append(value) }
            if tag == 5 { strtab = value }
            if tag == 10 { strsz = value }
        }
        guard let strtab, let load = loads.first(where: { strtab >= $0.vaddr && strtab < $0.vaddr + $0.size }),
            let strings = bytes(strtab - load.vaddr + load.offset, Int(strsz))
        else { return nil }
        return needed.map { offset in
            let start = Int(offset)
            let end = strings[start...].firstIndex(of: 0) ?? strings.count
            return String(decoding: strings[start..<end], as: UTF8.self)
        }
    }
}
