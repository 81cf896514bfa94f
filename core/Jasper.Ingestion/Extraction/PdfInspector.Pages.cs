using System.Globalization;
using System.Text.RegularExpressions;

namespace Jasper.Ingestion.Extraction;

// How many letters and operators each page draws. PdfPig builds every glyph of a page at once (about 440 bytes each),
// so a 3.5 KB PDF whose one page showed 3 million letters took 1.3 GB, and every operation (about 240 bytes for
// "0 0 m"), so a 61 KB PDF of 7 million took 1.87 GB. A content stream's letters are bounded by the bytes of its
// strings (ContentScanner), and a form drawn N times counts N times over.
internal static partial class PdfInspector
{
    // A content stream's weight (its letters at most and its operators, each held at once by PdfPig), and how often
    // it draws each XObject name.
    private sealed record ContentWeight(long Weight, Dictionary<string, long> Draws)
    {
        // Two versions of one stream as one: the heavier, and each name drawn as often as either draws it.
        public ContentWeight With(ContentWeight other)
        {
            var draws = new Dictionary<string, long>(Draws, StringComparer.Ordinal);
            foreach (var (name, times) in other.Draws)
            {
                draws[name] = Math.Max(times, draws.GetValueOrDefault(name));
            }

            return new ContentWeight(Math.Max(Weight, other.Weight), draws);
        }
    }

    // Every stream any version of any page names as its content.
    private static HashSet<long> PageContentsAll(PdfObjectVersions bodies) =>
        [.. bodies.All.Where(o => PageType().IsMatch(o.Body)).SelectMany(o => PageContents(o.Body, bodies))];

    // Every page's weight, its content streams' and that of the forms it draws (each as often as it is drawn), must
    // be at most maxWeight. The forms come ordered so that a form follows every form it draws (CheckForms).
    private static void CheckPageWeights(
        Dictionary<long, ContentWeight> weights, List<long> formsInOrder, Dictionary<long, List<Form>> forms, PdfObjectVersions bodies,
        XObjectBindings xobjects, Lazy<IReadOnlyDictionary<string, HashSet<long>>> anywhere, int maxWeight)
    {
        var formWeights = new Dictionary<long, double>();
        foreach (long form in formsInOrder)
        {
            formWeights[form] = forms[form].Max(version => Drawing(weights.GetValueOrDefault(form), version.Dictionary));
        }

        foreach (var (number, body) in bodies.All)
        {
            if (!PageType().IsMatch(body))
            {
                continue;
            }

            double page = PageContents(body, bodies).Sum(content => Drawing(weights.GetValueOrDefault(content), body));
            if (page > maxWeight)
            {
                throw new DocumentException(DocumentErrorKind.TooLarge, string.Create(CultureInfo.InvariantCulture,
                    $"a page of the PDF (object {number}) draws more than {maxWeight} letters and operators, which would all be held at once"));
            }
        }

        // A stream's weight plus, for each name it draws, as many times the most weight a form bound to that name
        // (by the resources of owner, or anywhere when owner has none of its own) draws.
        double Drawing(ContentWeight? content, string owner)
        {
            if (content is null)
            {
                return 0;
            }

            var own = xobjects.Of(owner);
            var bound = own.Count > 0 ? own : anywhere.Value;
            double total = content.Weight;
            foreach (var (name, times) in content.Draws)
            {
                var targets = bound.TryGetValue(name, out var set) ? set : [];
                total += times * targets.Select(t => formWeights.GetValueOrDefault(t)).DefaultIfEmpty(0).Max();
            }

            return total;
        }
    }

    // The content streams a page dictionary names: one reference, an array of them, or a reference to such an array.
    private static IEnumerable<long> PageContents(string page, PdfObjectVersions bodies) =>
        PdfSyntax.Reference(page, "Contents") is long single
            ? [single, .. bodies[single].Where(v => v.TrimStart().StartsWith('[')).SelectMany(ReferencesIn)]
        : ContentsArray().Match(page) is { Success: true } inline ? ReferencesIn(inline.Groups["refs"].Value)
        : [];

    private static IEnumerable<long> ReferencesIn(string text) =>
        References().Matches(text).Select(m => long.Parse(m.Groups[1].ValueSpan, CultureInfo.InvariantCulture));

    [GeneratedRegex(@"/Type\s*/Page(?![A-Za-z])", RegexOptions.CultureInvariant)]
    private static partial Regex PageType();

    [GeneratedRegex(@"/Contents\s*\[(?<refs>[^\]]*)\]", RegexOptions.CultureInvariant)]
    private static partial Regex ContentsArray();

    [GeneratedRegex(@"(\d{1,10})\s+\d{1,5}\s+R\b", RegexOptions.CultureInvariant)]
    private static partial Regex References();
}
