namespace Jasper.Ingestion.Extraction;

/// <summary>
/// The bodies of a PDF's objects (streams aside) by number, every version the file holds. A reader follows the
/// cross-reference table to one version of each object, and which one a pattern scan does not know: a later version
/// the table never points to must not stand in for the one it does, so the inspector's checks take them all.
/// </summary>
internal sealed class PdfObjectVersions
{
    private readonly Dictionary<long, List<string>> _versions = [];

    /// <summary>Every version of object <paramref name="number"/>, in file order; none when the file has none.</summary>
    public IReadOnlyList<string> this[long number] => _versions.TryGetValue(number, out var versions) ? versions : [];

    /// <summary>Every version of every object.</summary>
    public IEnumerable<(long Number, string Body)> All => _versions.SelectMany(v => v.Value.Select(body => (v.Key, body)));

    /// <summary>Records one version of object <paramref name="number"/>.</summary>
    public void Add(long number, string body)
    {
        if (!_versions.TryGetValue(number, out var versions))
        {
            _versions[number] = versions = [];
        }

        versions.Add(body);
    }
}
