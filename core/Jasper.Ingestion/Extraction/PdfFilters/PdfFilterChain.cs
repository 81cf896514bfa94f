using System.IO.Compression;
using System.Text.RegularExpressions;

namespace Jasper.Ingestion.Extraction.PdfFilters;

/// <summary>
/// The filters a PDF stream's dictionary names, decoded in the order it names them: every filter PdfPig decodes for
/// text (FlateDecode, LZWDecode, RunLengthDecode, ASCII85Decode, ASCIIHexDecode, full names or abbreviated), so that
/// no chain of them hides what a stream unpacks to. Image codecs and the Crypt filter are not decoded here.
/// </summary>
internal static partial class PdfFilterChain
{
    /// <summary>
    /// A stream that decodes <paramref name="encoded"/> through the filters <paramref name="dictionary"/> names (its
    /// names' <c>#xx</c> escapes already spelled out), or null when it names none, names one not decoded here, or
    /// names them where they cannot be read (an indirect <c>/Filter</c>). Disposing it disposes <paramref name="encoded"/>.
    /// </summary>
    public static Stream? Open(Stream encoded, string dictionary)
    {
        ArgumentNullException.ThrowIfNull(encoded);
        ArgumentNullException.ThrowIfNull(dictionary);
        if (Filters().Match(dictionary) is not { Success: true } filters)
        {
            return null;
        }

        var names = filters.Groups["one"].Success ? [filters.Groups["one"].Value]
            : Names().Matches(filters.Groups["many"].Value).Select(m => m.Groups["name"].Value).ToList();
        bool onlyNames = !filters.Groups["many"].Success || string.IsNullOrWhiteSpace(Names().Replace(filters.Groups["many"].Value, string.Empty));
        if (names.Count == 0 || !onlyNames || !names.All(Decodes))
        {
            return null;
        }

        var parameters = Parameters(dictionary, filters.Groups["one"].Success, names.Count);
        Stream decoded = encoded;
        for (int i = 0; i < names.Count; i++)
        {
            decoded = names[i] switch
            {
                "FlateDecode" or "Fl" => new ZLibStream(decoded, CompressionMode.Decompress),
                "LZWDecode" or "LZW" => new LzwDecodeStream(decoded, parameters[i] is string p && EarlyChangeZero().IsMatch(p) ? 0 : 1),
                "RunLengthDecode" or "RL" => new RunLengthDecodeStream(decoded),
                "ASCII85Decode" or "A85" => new Ascii85DecodeStream(decoded),
                _ => new AsciiHexDecodeStream(decoded),
            };
        }

        return decoded;
    }

    // Each filter's parameters dictionary, as PdfPig pairs them: /DecodeParms (or /DP) a dictionary when the filter is
    // named alone, an array with an entry per filter when they are an array; none where the two do not match.
    private static string?[] Parameters(string dictionary, bool alone, int count)
    {
        var parameters = new string?[count];
        if (DecodeParameters().Match(dictionary) is not { Success: true } entry)
        {
            return parameters;
        }

        int at = entry.Index + entry.Length;
        if (alone)
        {
            parameters[0] = PdfSyntax.Dictionary(dictionary, at);
        }
        else if (dictionary.AsSpan(at).StartsWith("["))
        {
            // The array's entries: dictionaries, or anything else (null) standing for none.
            for (int i = 0, item = at + 1; i < count && item < dictionary.Length && dictionary[item] != ']'; i++)
            {
                item = PdfSyntax.SkipWhiteSpace(dictionary, item);
                if (PdfSyntax.Dictionary(dictionary, item) is string entryParameters)
                {
                    parameters[i] = entryParameters;
                    item += entryParameters.Length;
                }
                else
                {
                    while (item < dictionary.Length && !PdfSyntax.IsWhiteSpace(dictionary[item]) && dictionary[item] is not (']' or '<'))
                    {
                        item++;
                    }
                }

                item = PdfSyntax.SkipWhiteSpace(dictionary, item);
            }
        }

        return parameters;
    }

    private static bool Decodes(string name) =>
        name is "FlateDecode" or "Fl" or "LZWDecode" or "LZW" or "RunLengthDecode" or "RL" or "ASCII85Decode" or "A85" or "ASCIIHexDecode" or "AHx";

    // /Filter with one name, or an array of them.
    [GeneratedRegex(@"/Filter\s*(?:/(?<one>[^\s/\[\]<>(){}%]+)|\[(?<many>[^\]]*)\])", RegexOptions.CultureInvariant)]
    private static partial Regex Filters();

    [GeneratedRegex(@"/(?<name>[^\s/\[\]<>(){}%]+)", RegexOptions.CultureInvariant)]
    private static partial Regex Names();

    [GeneratedRegex(@"/(?:DecodeParms|DP)(?![^\s/\[\]<>(){}%])\s*", RegexOptions.CultureInvariant)]
    private static partial Regex DecodeParameters();

    [GeneratedRegex(@"/EarlyChange\s+0(?![0-9.])", RegexOptions.CultureInvariant)]
    private static partial Regex EarlyChangeZero();
}
