using System.Text;
using Jasper.Ingestion.Extraction;
using Jasper.Ingestion.Extraction.PdfFilters;
using Jasper.TestSupport;
using UglyToad.PdfPig.Filters;
using UglyToad.PdfPig.Tokens;

namespace Jasper.Ingestion.Tests.Extraction;

/// <summary>
/// The inspector's own decoders, which count what a stream unpacks to as they read it, against PdfPig's filters (the
/// reference: the inspector must see what PdfPig will see) on data encoded by <see cref="PdfEncodings"/>.
/// </summary>
public sealed class PdfFilterChainTests
{
    public static TheoryData<string, string> Chains => new()
    {
        { "/FlateDecode", "FlateDecode" },
        { "/LZWDecode", "LZWDecode" },
        { "/RunLengthDecode", "RunLengthDecode" },
        { "/ASCII85Decode", "ASCII85Decode" },
        { "/ASCIIHexDecode", "ASCIIHexDecode" },
        { "[/A85 /LZW]", "ASCII85Decode LZWDecode" },
        { "[ /AHx /RL /Fl ]", "ASCIIHexDecode RunLengthDecode FlateDecode" },
    };

    [Theory]
    [MemberData(nameof(Chains))]
    public void A_chain_decodes_to_what_pdfpig_decodes_it_to(string filter, string encodings)
    {
        string[] names = encodings.Split(' ');
        foreach (var (shape, data) in Samples())
        {
            byte[] encoded = PdfEncodings.Encode(data, names);

            byte[] reference = PdfPigDecode(encoded, names, earlyChange: null);
            byte[] ours = Decode(encoded, "/Filter " + filter);

            Assert.True(reference.AsSpan().SequenceEqual(data), $"{shape}: PdfPig decodes {reference.Length} bytes, not the {data.Length} encoded");
            Assert.True(ours.AsSpan().SequenceEqual(reference), $"{shape}: {ours.Length} bytes decoded, PdfPig decodes {reference.Length}");
        }
    }

    [Fact]
    public void Lzw_widens_its_codes_where_early_change_says()
    {
        foreach (var (shape, data) in Samples())
        {
            byte[] encoded = PdfEncodings.Lzw(data, earlyChange: 0);

            byte[] reference = PdfPigDecode(encoded, ["LZWDecode"], earlyChange: 0);
            byte[] ours = Decode(encoded, "/Filter /LZWDecode /DecodeParms << /EarlyChange 0 >>");

            Assert.True(reference.AsSpan().SequenceEqual(data), shape);
            Assert.True(ours.AsSpan().SequenceEqual(reference), shape);
        }
    }

    // PdfPig takes a stream's /DecodeParms as the spec lays them out: a dictionary for a filter named alone, an array
    // (one entry per filter) for an array of filters, and no parameters where the two do not match. A page whose
    // content is encoded so is read by PdfPig, and decoded here to the same bytes.
    [Theory]
    [InlineData("/Filter /LZWDecode /DecodeParms << /EarlyChange 0 >>", 0)]
    [InlineData("/Filter [/LZWDecode] /DecodeParms [<< /EarlyChange 0 >>]", 0)]
    [InlineData("/Filter [/ASCIIHexDecode /LZWDecode] /DecodeParms [null << /EarlyChange 0 >>]", 0)]
    [InlineData("/Filter [/LZWDecode] /DecodeParms << /EarlyChange 0 >>", 1)] // a dictionary for an array: none
    [InlineData("/Filter /LZWDecode /DecodeParms [<< /EarlyChange 0 >>]", 1)] // an array for a name: none
    [InlineData("/Filter /LZWDecode /DecodeParms 5 0 R", 1)] // parameters in an object of their own: PdfPig reads none
    public async Task Lzw_takes_its_early_change_where_pdfpig_does(string dictionary, int earlyChange)
    {
        var random = new Random(7);
        string noise = new([.. Enumerable.Range(0, 3_000).Select(_ => (char)random.Next('a', 'z' + 1))]);
        byte[] content = Encoding.ASCII.GetBytes($"% {noise}\nBT /F1 12 Tf 10 10 Td (Early change) Tj ET");
        byte[] lzw = PdfEncodings.Lzw(content, earlyChange);
        byte[] encoded = dictionary.Contains("ASCIIHexDecode", StringComparison.Ordinal) ? PdfEncodings.AsciiHex(lzw) : lzw;
        byte[] pdf = DocumentFactory.RawPdf(
        [
            "<< /Type /Catalog /Pages 2 0 R >>",
            "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Resources << /Font << /F1 << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> >> >> /Contents 4 0 R >>",
            DocumentFactory.PdfStream(dictionary, encoded),
            "<< /EarlyChange 0 >>", // object 5
        ]);
        var text = new StringBuilder();
        await foreach (var block in new DocumentExtractor().ExtractAsync(_ => Task.FromResult<Stream>(new MemoryStream(pdf)), FileFormat.Pdf))
        {
            text.Append(block.Text);
        }

        Assert.Contains("Early change", text.ToString(), StringComparison.Ordinal); // PdfPig decoded it so

        // The inspector weighs the page: 3,000 letters of noise in a comment are no letters, so it passes at a limit
        // of 20 only if it decoded the content (undecoded, its packed length would stand in, over 20).
        PdfInspector.Inspect(pdf, new ExtractionOptions { MaxElements = 20 });
        Assert.Equal(content, Decode(encoded, dictionary));
    }

    [Theory]
    [InlineData("/Filter /DCTDecode")] // an image codec
    [InlineData("/Filter [/FlateDecode /Crypt]")]
    [InlineData("/Filter 7 0 R")] // indirect: not read here
    [InlineData("/Filter [/FlateDecode 7 0 R]")]
    [InlineData("/Length 12")] // no filter
    public void A_chain_not_decoded_here_is_none(string dictionary)
    {
        using var encoded = new MemoryStream([1, 2, 3]);
        Assert.Null(PdfFilterChain.Open(encoded, dictionary));
    }

    [Theory]
    [InlineData("/LZWDecode", new byte[] { 0x80, 0x4B, 0x00 })] // 9-bit codes 256 (clear), then 300, which the table does not hold yet
    [InlineData("/ASCII85Decode", new byte[] { (byte)'A', (byte)'v', (byte)'B' })]
    [InlineData("/ASCIIHexDecode", new byte[] { (byte)'4', (byte)'G' })]
    public void Damaged_data_is_invalid(string filter, byte[] encoded)
    {
        Assert.Throws<InvalidDataException>(() => Decode(encoded, "/Filter " + filter));
    }

    // Empty data, text, runs, and random bytes long enough to fill the LZW table several times over, so that every
    // code width from 9 to 12 bits and the clear code are read.
    private static IEnumerable<(string Shape, byte[] Data)> Samples()
    {
        var random = new Random(20261129);
        var noise = new byte[300_000];
        random.NextBytes(noise);
        string words = string.Join(' ', Enumerable.Range(0, 20_000).Select(_ => "lorem ipsum dolor sit amet"[random.Next(0, 20)..]));
        var runs = new byte[1 << 20];
        runs.AsSpan(1000, 300_000).Fill((byte)'x');
        return
        [
            ("empty", []),
            ("one byte", [42]),
            ("a sentence", Encoding.ASCII.GetBytes("BT /F1 12 Tf 10 10 Td (Hello, PDF) Tj ET")),
            ("words", Encoding.ASCII.GetBytes(words)),
            ("runs", runs),
            ("noise", noise),
        ];
    }

    private static byte[] Decode(byte[] encoded, string dictionary)
    {
        using var decoded = PdfFilterChain.Open(new MemoryStream(encoded), dictionary) ?? throw new InvalidOperationException("not decoded");
        using var output = new MemoryStream();
        decoded.CopyTo(output);
        return output.ToArray();
    }

    private static byte[] PdfPigDecode(byte[] encoded, string[] filters, int? earlyChange)
    {
        var entries = new Dictionary<NameToken, IToken>
        {
            [NameToken.Create("Filter")] = filters.Length == 1 ? NameToken.Create(filters[0]) : new ArrayToken([.. filters.Select(NameToken.Create)]),
        };
        if (earlyChange is int early)
        {
            entries[NameToken.Create("DecodeParms")] = new DictionaryToken(new Dictionary<NameToken, IToken> { [NameToken.Create("EarlyChange")] = new NumericToken(early) });
        }

        var dictionary = new DictionaryToken(entries);
        var provider = DefaultFilterProvider.Instance;
        var data = new Memory<byte>(encoded);
        var chain = provider.GetFilters(dictionary);
        for (int i = 0; i < chain.Count; i++)
        {
            data = chain[i].Decode(data, dictionary, provider, i).ToArray();
        }

        return data.ToArray();
    }
}
