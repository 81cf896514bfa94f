using System.Globalization;
using System.Text.RegularExpressions;

namespace Jasper.Ingestion.Extraction;

/// <summary>
/// The XObject names a PDF dictionary's resources bind, each with the objects bound to it (in every version of the
/// resources). Each resource dictionary is read once, however many forms and pages share it: generated PDFs often give
/// thousands of forms one dictionary binding all of them, and reading it again for each form was quadratic (a 0.4 MB
/// file of 2,000 forms allocated 7 GB).
/// </summary>
internal sealed partial class XObjectBindings(PdfObjectVersions bodies)
{
    private static readonly IReadOnlyDictionary<string, HashSet<long>> None = new Dictionary<string, HashSet<long>>();

    // By the resource dictionary's text, the very string the object versions hold, so that a lookup costs nothing.
    private readonly Dictionary<string, IReadOnlyDictionary<string, HashSet<long>>> _read = new(ReferenceEqualityComparer.Instance);

    /// <summary>
    /// What <paramref name="dictionary"/>'s own resources bind: inline, or one reference away (the <c>/Resources</c>
    /// dictionary or its <c>/XObject</c> dictionary stored as an object of its own); empty when it has none.
    /// </summary>
    public IReadOnlyDictionary<string, HashSet<long>> Of(string dictionary)
    {
        var maps = Resources(dictionary).Select(Read).Where(m => m.Count > 0).ToList();
        return maps.Count switch
        {
            0 => None,
            1 => maps[0],
            _ => Merged(maps),
        };
    }

    /// <summary>
    /// Every name bound anywhere in the file (every object, and the <paramref name="streamDictionaries"/> the objects
    /// do not hold): whom a form or page without resources of its own, which it inherits, may draw.
    /// </summary>
    public IReadOnlyDictionary<string, HashSet<long>> Anywhere(IEnumerable<string> streamDictionaries)
    {
        var seen = new HashSet<string>(ReferenceEqualityComparer.Instance);
        var maps = bodies.All.Select(o => o.Body).Concat(streamDictionaries)
            .SelectMany(Resources)
            .Where(seen.Add) // each shared dictionary once
            .Select(Read);
        return Merged(maps);
    }

    // The resource dictionaries a dictionary names: every version of the one it refers to, or itself.
    private IEnumerable<string> Resources(string dictionary) =>
        PdfSyntax.Reference(dictionary, "Resources") is long reference && bodies[reference].Count > 0 ? bodies[reference] : [dictionary];

    // The names one resource dictionary binds, read the first time it is asked for.
    private IReadOnlyDictionary<string, HashSet<long>> Read(string resources)
    {
        if (_read.TryGetValue(resources, out var known))
        {
            return known;
        }

        IEnumerable<string> maps = InlineXObjects().Match(resources) is { Success: true } inline ? [inline.Groups["map"].Value]
            : PdfSyntax.Reference(resources, "XObject") is long xobjects ? bodies[xobjects]
            : [];
        var bound = new Dictionary<string, HashSet<long>>(StringComparer.Ordinal);
        foreach (Match binding in maps.SelectMany(map => NameBindings().Matches(map)))
        {
            long target = long.Parse(binding.Groups["target"].ValueSpan, CultureInfo.InvariantCulture);
            (bound.TryGetValue(binding.Groups["name"].Value, out var targets) ? targets : bound[binding.Groups["name"].Value] = []).Add(target);
        }

        return _read[resources] = bound;
    }

    private static Dictionary<string, HashSet<long>> Merged(IEnumerable<IReadOnlyDictionary<string, HashSet<long>>> maps)
    {
        var merged = new Dictionary<string, HashSet<long>>(StringComparer.Ordinal);
        foreach (var (name, targets) in maps.SelectMany(m => m))
        {
            (merged.TryGetValue(name, out var all) ? all : merged[name] = []).UnionWith(targets);
        }

        return merged;
    }

    [GeneratedRegex(@"/XObject\s*<<(?<map>[^<>]*)>>", RegexOptions.CultureInvariant)]
    private static partial Regex InlineXObjects();

    [GeneratedRegex(@"/(?<name>[^\s/\[\]<>(){}%]+)\s+(?<target>\d{1,10})\s+\d{1,5}\s+R\b", RegexOptions.CultureInvariant)]
    private static partial Regex NameBindings();
}
