using System.Buffers.Binary;
using System.Text;

namespace Jasper.Infra.Tests;

/// <summary>
/// The libraries a 64-bit little-endian ELF shared object names in its dynamic section (DT_NEEDED): what <c>ldd</c>
/// resolves, read from the file without loading it. Strings elsewhere in the binary (messages, fallbacks) are not
/// counted.
/// </summary>
internal static class ElfLibraries
{
    private const uint SectionDynamic = 6;
    private const long TagNeeded = 1;

    public static List<string> Needed(string path)
    {
        byte[] elf = File.ReadAllBytes(path);
        if (elf.Length < 64 || elf[0] != 0x7F || elf[1] != (byte)'E' || elf[2] != (byte)'L' || elf[3] != (byte)'F' || elf[4] != 2 || elf[5] != 1)
        {
            throw new InvalidDataException($"{path} is not a 64-bit little-endian ELF file");
        }

        long sections = (long)BinaryPrimitives.ReadUInt64LittleEndian(elf.AsSpan(0x28));
        int sectionSize = BinaryPrimitives.ReadUInt16LittleEndian(elf.AsSpan(0x3A));
        int sectionCount = BinaryPrimitives.ReadUInt16LittleEndian(elf.AsSpan(0x3C));
        var needed = new List<string>();
        for (int i = 0; i < sectionCount; i++)
        {
            var header = elf.AsSpan((int)(sections + (i * sectionSize)), sectionSize);
            if (BinaryPrimitives.ReadUInt32LittleEndian(header[4..]) != SectionDynamic)
            {
                continue;
            }

            long offset = (long)BinaryPrimitives.ReadUInt64LittleEndian(header[0x18..]);
            long size = (long)BinaryPrimitives.ReadUInt64LittleEndian(header[0x20..]);
            int link = (int)BinaryPrimitives.ReadUInt32LittleEndian(header[0x28..]);
            var strings = elf.AsSpan((int)(sections + (link * sectionSize)), sectionSize);
            long stringsOffset = (long)BinaryPrimitives.ReadUInt64LittleEndian(strings[0x18..]);
            for (long entry = offset; entry + 16 <= offset + size; entry += 16)
            {
                long tag = BinaryPrimitives.ReadInt64LittleEndian(elf.AsSpan((int)entry));
                if (tag == TagNeeded)
                {
                    int start = (int)(stringsOffset + (long)BinaryPrimitives.ReadUInt64LittleEndian(elf.AsSpan((int)entry + 8)));
                    needed.Add(Encoding.ASCII.GetString(elf, start, Array.IndexOf(elf, (byte)0, start) - start));
                }
            }
        }

        return needed;
    }
}
