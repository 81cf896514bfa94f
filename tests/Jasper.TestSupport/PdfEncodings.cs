using System.IO.Compression;
using System.Text;

namespace Jasper.TestSupport;

/// <summary>
/// Encoders for the PDF stream filters that are not image codecs (ISO 32000-1, 7.4), written apart from the decoders
/// they test. PdfPig decoding what they write is the check that they are right.
/// </summary>
public static class PdfEncodings
{
    /// <summary>
    /// <paramref name="data"/> encoded for <paramref name="filters"/> (full names, such as <c>LZWDecode</c>), listed in
    /// the order a reader decodes them, the order of a stream's <c>/Filter</c> array.
    /// </summary>
    public static byte[] Encode(byte[] data, params string[] filters)
    {
        foreach (string filter in filters.Reverse())
        {
            data = filter switch
            {
                "FlateDecode" => Flate(data),
                "LZWDecode" => Lzw(data),
                "RunLengthDecode" => RunLength(data),
                "ASCII85Decode" => Ascii85(data),
                "ASCIIHexDecode" => AsciiHex(data),
                _ => throw new ArgumentException($"no encoder for {filter}", nameof(filters)),
            };
        }

        return data;
    }

    /// <summary>zlib (RFC 1950) at the smallest size.</summary>
    public static byte[] Flate(byte[] data)
    {
        using var output = new MemoryStream();
        using (var zlib = new ZLibStream(output, CompressionLevel.SmallestSize))
        {
            zlib.Write(data);
        }

        return output.ToArray();
    }

    /// <summary>
    /// zlib whose first block stores <paramref name="stored"/> as it is (so that those bytes appear in the encoded
    /// data), followed by <paramref name="data"/> deflated: it decodes to both.
    /// </summary>
    public static byte[] FlateStoring(byte[] stored, byte[] data)
    {
        using var deflated = new MemoryStream();
        using (var deflate = new DeflateStream(deflated, CompressionLevel.SmallestSize))
        {
            deflate.Write(data);
        }

        uint a = 1, b = 0; // Adler-32 of everything decoded
        foreach (byte x in stored.Concat(data))
        {
            a = (a + x) % 65521;
            b = (b + a) % 65521;
        }

        int length = stored.Length;
        return
        [
            0x78, 0x01, // zlib: deflate, 32K window, no dictionary
            0x00, (byte)length, (byte)(length >> 8), (byte)~length, (byte)(~length >> 8), // a stored block, not the last
            .. stored,
            .. deflated.ToArray(),
            (byte)(b >> 8), (byte)b, (byte)(a >> 8), (byte)a,
        ];
    }

    /// <summary>Two hex digits a byte, then the end marker.</summary>
    public static byte[] AsciiHex(byte[] data) => Encoding.ASCII.GetBytes(Convert.ToHexString(data) + ">");

    /// <summary>Five base-85 digits per four bytes, <c>z</c> for four zeros, fewer digits for a short last group.</summary>
    public static byte[] Ascii85(byte[] data)
    {
        var text = new StringBuilder();
        var digits = new char[5];
        for (int i = 0; i < data.Length; i += 4)
        {
            int count = Math.Min(4, data.Length - i);
            uint value = 0;
            for (int j = 0; j < 4; j++)
            {
                value = (value << 8) | (j < count ? data[i + j] : 0u);
            }

            if (count == 4 && value == 0)
            {
                text.Append('z');
                continue;
            }

            for (int j = 4; j >= 0; j--)
            {
                digits[j] = (char)('!' + (value % 85));
                value /= 85;
            }

            text.Append(digits, 0, count + 1);
        }

        return Encoding.ASCII.GetBytes(text.Append("~>").ToString());
    }

    /// <summary>Runs of two to 128 equal bytes as (257 - length, byte), other bytes as literals of up to 128.</summary>
    public static byte[] RunLength(byte[] data)
    {
        var output = new List<byte>();
        for (int i = 0; i < data.Length;)
        {
            int run = 1;
            while (i + run < data.Length && run < 128 && data[i + run] == data[i])
            {
                run++;
            }

            if (run >= 2)
            {
                output.Add((byte)(257 - run));
                output.Add(data[i]);
                i += run;
                continue;
            }

            int start = i;
            while (i < data.Length && i - start < 128 && !(i + 1 < data.Length && data[i + 1] == data[i]))
            {
                i++;
            }

            output.Add((byte)(i - start - 1));
            output.AddRange(data.AsSpan(start, i - start));
        }

        output.Add(128);
        return [.. output];
    }

    /// <summary>
    /// LZW with codes of 9 to 12 bits, most significant bit first, widened one code early (the default
    /// <c>/EarlyChange 1</c>) or, with <paramref name="earlyChange"/> 0, when the table needs the wider code, and a
    /// clear-table code before the table fills.
    /// </summary>
    public static byte[] Lzw(byte[] data, int earlyChange = 1)
    {
        const int Clear = 256, End = 257;
        var output = new List<byte>();
        ulong bits = 0;
        int pending = 0, width = 9, decoderNext = 258;
        bool first = true;

        // The reader adds a table entry only on the code after the one that made it, so its table runs one entry
        // behind this one: a code's width is the reader's after the code before it.
        void Emit(int code)
        {
            bits = (bits << width) | (uint)code;
            pending += width;
            for (; pending >= 8; pending -= 8)
            {
                output.Add((byte)(bits >> (pending - 8)));
            }

            bits &= (1UL << pending) - 1;
            if (code == Clear)
            {
                (width, decoderNext, first) = (9, 258, true);
                return;
            }

            decoderNext += first ? 0 : 1;
            first = false;
            if (decoderNext + earlyChange >= 1 << width && width < 12)
            {
                width++;
            }
        }

        var table = new Dictionary<int, int>();
        int next = 258, current = -1;
        Emit(Clear);
        foreach (byte b in data)
        {
            if (current < 0)
            {
                current = b;
                continue;
            }

            if (table.TryGetValue((current << 8) | b, out int longer))
            {
                current = longer;
                continue;
            }

            Emit(current);
            if (next < 4093)
            {
                table[(current << 8) | b] = next++;
            }
            else
            {
                Emit(Clear);
                table.Clear();
                next = 258;
            }

            current = b;
        }

        if (current >= 0)
        {
            Emit(current);
        }

        Emit(End);
        if (pending > 0)
        {
            output.Add((byte)(bits << (8 - pending)));
        }

        return [.. output];
    }
}
