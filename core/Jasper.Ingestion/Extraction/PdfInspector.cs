using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Jasper.Ingestion.Extraction.PdfFilters;

namespace Jasper.Ingestion.Extraction;

/// <summary>
/// Checks a PDF's bytes before PdfPig opens it, in one forward pass that never recurses:
/// <list type="bullet">
/// <item>objects that are nothing but a reference to another object (<c>4 0 obj 5 0 R endobj</c>), in the file or in
/// compressed object streams, must not lead back to themselves or run longer than <see cref="MaxReferenceHops"/>:
/// PdfPig resolves them recursively, and a cycle overflowed the stack, which ends the process;</item>
/// <item>form XObjects, which PdfPig draws by recursing into them wherever a content stream says <c>/Name Do</c>, must
/// not draw themselves again, directly or through other forms, nor nest deeper than
/// <see cref="ExtractionOptions.MaxNestingDepth"/>: two forms that drew each other overflowed the stack too;</item>
/// <item>streams other than images are unpacked as streams through every filter they name that PdfPig decodes for
/// text (<see cref="PdfFilterChain"/>), counting bytes against <see cref="ExtractionOptions.MaxUnpackedBytes"/>: a
/// megabyte of compressed spaces unpacks to gigabytes, and PdfPig holds what it unpacks in memory. Images are
/// skipped: text extraction never decodes them.</item>
/// <item>no page may draw more than <see cref="ExtractionOptions.MaxElements"/> letters and operators, its content
/// streams' and those of the forms it draws, each as often as it draws it: PdfPig builds every glyph and every
/// operation of a page at once.</item>
/// </list>
/// Each check sees the file as PdfPig will, or it could be walked around: streams decrypted when the empty user
/// password opens the file (<see cref="PdfDecryption"/>), objects told apart by their syntax, with comments and
/// strings passed over and names' <c>#xx</c> escapes spelled out (<see cref="PdfSyntax"/>), a stream's data ended
/// by its <c>/Length</c>, and every version of an object the file holds, since which one the cross-reference table
/// leads a reader to is not known here (<see cref="PdfObjectVersions"/>). What it cannot read (a damaged stream, an
/// unknown filter) it leaves to PdfPig, which reports it as corrupt.
/// </summary>
internal static partial class PdfInspector
{
    /// <summary>Longest chain of objects that are only references; real files have one or two.</summary>
    public const int MaxReferenceHops = 32;

    /// <summary>Throws a <see cref="DocumentException"/> naming the first problem found.</summary>
    public static void Inspect(byte[] pdf, ExtractionOptions options)
    {
        ArgumentNullException.ThrowIfNull(pdf);
        ArgumentNullException.ThrowIfNull(options);
        string text = Encoding.Latin1.GetString(pdf); // one char per byte, so indices are byte offsets
        var aliases = new Dictionary<long, HashSet<long>>();
        var bodies = new PdfObjectVersions();
        var forms = new Dictionary<long, List<Form>>();
        var weights = new Dictionary<long, ContentWeight>();
        var decryption = PdfDecryption.Of(text); // PdfPig opens a PDF encrypted with the empty user password
        var deferred = new List<StoredStream>();
        var seen = new HashSet<int>(); // where the objects read start
        var tables = new List<(string Dictionary, byte[] Rows)>(); // cross-reference streams, unpacked
        var images = new List<StoredStream>();
        long budget = (4L * text.Length) + (1L << 20); // what telling objects apart may read: each byte about once
        var integers = new Lazy<Dictionary<long, long>>(() => IntegerObjects(text)); // read once, if a /Length needs it
        long unpacked = 0;

        // Unpacks one stream: every stream is weighed as content might be (a dictionary's keys do not stop a page from
        // naming it as its content), and one that may hold objects has them recorded (PdfPig reads an object stream
        // the cross-reference table points into whatever its /Type says). Images wait: text extraction never decodes
        // them, unless a page names one as its content.
        void Read(StoredStream stream, bool asContent = false)
        {
            if (!asContent && ImageSubtype().IsMatch(stream.Dictionary))
            {
                images.Add(stream);
                return;
            }

            bool form = FormSubtype().IsMatch(stream.Dictionary);
            long? count = PdfSyntax.Integer(stream.Dictionary, "N"), first = PdfSyntax.Integer(stream.Dictionary, "First");
            bool objectStream = ObjectStreamType().IsMatch(stream.Dictionary) || (count is not null && first is not null);
            bool table = CrossReferenceType().IsMatch(stream.Dictionary);
            using var kept = objectStream || table ? new MemoryStream() : null;
            var scanner = new ContentScanner();
            bool read = Unpack(pdf, stream, decryption, options, kept, scanner, ref unpacked);
            scanner.Finish();
            if (read && objectStream && count is long objects && first is long offset)
            {
                RecordCompressed(aliases, bodies, kept!.GetBuffer().AsSpan(0, (int)kept.Length), objects, offset);
            }

            if (read && table)
            {
                tables.Add((stream.Dictionary, kept!.ToArray()));
            }

            // Behind a filter not unpacked here (none PdfPig decodes for text) or damaged data the content is not
            // known: its packed length stands in for its weight (or what was read of it, if more, as a reader may
            // show what it can of damaged data), and a form draws every name its resources bind. Of several versions
            // of one stream, the heaviest counts, and a form draws what any version draws.
            long weight = scanner.Letters + scanner.Operators;
            var weighed = new ContentWeight(read ? weight : Math.Max(stream.Length, weight), scanner.Draws);
            weights[stream.Number] = weights.TryGetValue(stream.Number, out var other) ? other.With(weighed) : weighed;
            if (form)
            {
                (forms.TryGetValue(stream.Number, out var versions) ? versions : forms[stream.Number] = []).Add(new Form(stream.Dictionary, read ? [.. scanner.Draws.Keys] : null));
            }
        }

        // Reads the object whose header this is; returns where the scan goes on, or null where the file ends.
        int? ReadObject(Match header)
        {
            seen.Add(header.Index);
            long number = long.Parse(header.Groups["number"].ValueSpan, CultureInfo.InvariantCulture);
            int generation = int.Parse(header.Groups["generation"].ValueSpan, CultureInfo.InvariantCulture);
            int body = header.Index + header.Length;
            if (PdfSyntax.BodyEnd(text, body, ref budget) is not (int end, ObjectEnd how))
            {
                // A string or comment that never closes: the object goes as far as the next "endobj", if any.
                (end, how) = (text.IndexOf("endobj", body, StringComparison.Ordinal), ObjectEnd.EndObj);
                if (end < 0)
                {
                    return null; // a truncated file: PdfPig says so
                }
            }

            if (how != ObjectEnd.Stream)
            {
                Record(aliases, bodies, number, text.AsSpan(body, end - body));
                return how == ObjectEnd.EndObj ? end + "endobj".Length : end;
            }

            string dictionary = PdfSyntax.Normalized(text[body..end]);
            int data = end + "stream".Length + (text.AsSpan(end + "stream".Length).StartsWith("\r\n") ? 2 : 1);
            if (StreamLength(text, data, dictionary, bodies, integers) is not (int length, int next))
            {
                return null;
            }

            var stored = new StoredStream(number, generation, dictionary, data, length);
            if (IndirectFilter().IsMatch(dictionary))
            {
                deferred.Add(stored); // its filters are an object that may come later in the file
            }
            else
            {
                Read(stored);
            }

            return next;
        }

        for (int? at = 0; at is int from && ObjectHeader().Match(text, from) is { Success: true } header;)
        {
            at = ReadObject(header);
        }

        // An object the scan stepped over (written inside another stream's data) is still read by a reader that
        // follows the cross-reference table to it: every offset a table lists is an object to inspect.
        foreach (long offset in TableOffsets(text, tables).Where(o => o < text.Length && !seen.Contains((int)o)).Order())
        {
            if (ObjectHeader().Match(text, (int)offset) is { Success: true } header && header.Index == offset)
            {
                ReadObject(header);
            }
        }

        foreach (var stream in deferred)
        {
            foreach (string filter in FilterObjects(bodies, IndirectFilter().Match(stream.Dictionary).Groups["target"].Value))
            {
                Read(stream with { Dictionary = IndirectFilter().Replace(stream.Dictionary, _ => "/Filter " + filter, 1) });
            }
        }

        var contents = PageContentsAll(bodies);
        foreach (var image in images.Where(i => contents.Contains(i.Number)))
        {
            Read(image, asContent: true);
        }

        CheckReferences(aliases);
        // Every XObject name bound anywhere in the file: whom a form or page without resources of its own (inheriting
        // them) may draw. Read once, if at all.
        var xobjects = new XObjectBindings(bodies);
        var anywhere = new Lazy<IReadOnlyDictionary<string, HashSet<long>>>(() => xobjects.Anywhere(forms.Values.SelectMany(f => f).Select(f => f.Dictionary)));
        var formsByDepth = CheckForms(forms, xobjects, anywhere, options.MaxNestingDepth);
        CheckPageWeights(weights, formsByDepth, forms, bodies, xobjects, anywhere, options.MaxElements);
    }

    // A form XObject: its stream dictionary and the names its content draws with Do (null: not known, so all).
    private sealed record Form(string Dictionary, HashSet<string>? Drawn);

    // The forms each form draws, by the names it draws and the XObject names its resources bind (a form without
    // resources of its own draws from its caller's, so from any binding of the name in the file). Then no form may
    // reach itself, and no chain of forms may be deeper than the limit; both walked without recursion.
    // Returns the forms from the shallowest (drawing no other) to the deepest, so that a form comes after all it draws.
    private static List<long> CheckForms(Dictionary<long, List<Form>> forms, XObjectBindings xobjects, Lazy<IReadOnlyDictionary<string, HashSet<long>>> anywhere, int maxDepth)
    {
        if (forms.Count == 0)
        {
            return [];
        }

        // A form whose content is not known draws whatever its resources bind. One node per such binding (numbered
        // below zero; objects are numbered from zero up) stands for all it binds, so that N forms sharing a
        // dictionary of N share its N edges instead of holding N each: N² for a few megabytes of file.
        var draws = new Dictionary<long, List<long>>();
        var everyBound = new Dictionary<IReadOnlyDictionary<string, HashSet<long>>, long>(ReferenceEqualityComparer.Instance);
        long AllOf(IReadOnlyDictionary<string, HashSet<long>> bound)
        {
            if (!everyBound.TryGetValue(bound, out long node))
            {
                everyBound[bound] = node = -1 - everyBound.Count;
                draws[node] = [.. bound.Values.SelectMany(targets => targets).Where(forms.ContainsKey).Distinct()];
            }

            return node;
        }

        foreach (var (number, versions) in forms)
        {
            draws[number] = [.. versions.SelectMany(form =>
            {
                var own = xobjects.Of(form.Dictionary);
                var bound = own.Count > 0 ? own : anywhere.Value;
                return form.Drawn is null ? [AllOf(bound)]
                    : form.Drawn.SelectMany(name => bound.TryGetValue(name, out var targets) ? targets : []).Where(forms.ContainsKey);
            }).Distinct()];
        }

        // Depth of the deepest chain of forms below each node, by an explicit-stack depth-first walk (a node standing
        // for a binding is no level of its own).
        var depth = new Dictionary<long, int>();
        var onPath = new HashSet<long>();
        foreach (long root in forms.Keys)
        {
            var stack = new Stack<(long Node, int Next)>();
            stack.Push((root, 0));
            onPath.Add(root);
            while (stack.Count > 0)
            {
                var (node, next) = stack.Pop();
                if (depth.ContainsKey(node))
                {
                    onPath.Remove(node);
                    continue;
                }

                var children = draws[node];
                if (next < children.Count)
                {
                    stack.Push((node, next + 1));
                    long child = children[next];
                    if (onPath.Contains(child))
                    {
                        throw new DocumentException(DocumentErrorKind.Corrupt, $"the PDF's form {(child >= 0 ? child : node)} draws itself, directly or through other forms, which no reader can finish");
                    }

                    if (!depth.ContainsKey(child))
                    {
                        onPath.Add(child);
                        stack.Push((child, 0));
                    }

                    continue;
                }

                int deepest = (node >= 0 ? 1 : 0) + children.Select(c => depth[c]).DefaultIfEmpty(0).Max();
                if (deepest > maxDepth)
                {
                    throw new DocumentException(DocumentErrorKind.TooDeep, $"the PDF nests forms more than {maxDepth} deep");
                }

                depth[node] = deepest;
                onPath.Remove(node);
            }
        }

        return [.. depth.Where(d => d.Key >= 0).OrderBy(d => d.Value).Select(d => d.Key)];
    }

    // An object whose body is only a reference is an alias of the object it names, in whichever version of the file
    // a reader follows: every version's alias is kept.
    private static void Record(Dictionary<long, HashSet<long>> aliases, PdfObjectVersions bodies, long number, ReadOnlySpan<char> body)
    {
        string text = PdfSyntax.Normalized(body.ToString());
        bodies.Add(number, text); // resource dictionaries are looked up by number when forms are checked
        if (OnlyReference().Match(text) is { Success: true } reference)
        {
            (aliases.TryGetValue(number, out var targets) ? targets : aliases[number] = []).Add(long.Parse(reference.Groups["target"].ValueSpan, CultureInfo.InvariantCulture));
        }
    }

    // An object stream: `count` (its /N) pairs of (object number, offset from `first`, its /First), then the objects.
    private static void RecordCompressed(Dictionary<long, HashSet<long>> aliases, PdfObjectVersions bodies, ReadOnlySpan<byte> contents, long count, long first)
    {
        if (count < 0 || first < 0 || first > contents.Length)
        {
            return;
        }

        string text = Encoding.Latin1.GetString(contents);
        var numbers = Integers().Matches(text[..(int)first]).Select(m => long.Parse(m.ValueSpan, CultureInfo.InvariantCulture)).ToList();
        for (int i = 0; i < count && (2 * i) + 1 < numbers.Count; i++)
        {
            long start = first + numbers[(2 * i) + 1];
            long stop = (2 * i) + 3 < numbers.Count ? first + numbers[(2 * i) + 3] : text.Length;
            if (start >= 0 && start <= stop && stop <= text.Length)
            {
                Record(aliases, bodies, numbers[2 * i], text.AsSpan((int)start, (int)(stop - start)));
            }
        }
    }

    // Follows every alias chain, through every version of each object, without recursion: a chain that comes back
    // to an object, or runs through more than MaxReferenceHops objects, is refused. Each object is walked from once.
    private static void CheckReferences(Dictionary<long, HashSet<long>> aliases)
    {
        var hops = new Dictionary<long, int>(); // the longest chain from each object walked
        var onPath = new HashSet<long>();
        foreach (long start in aliases.Keys)
        {
            if (hops.ContainsKey(start))
            {
                continue;
            }

            var stack = new Stack<(long Object, IEnumerator<long> Targets)>();
            stack.Push((start, aliases[start].GetEnumerator()));
            onPath.Add(start);
            while (stack.Count > 0)
            {
                var (node, targets) = stack.Peek();
                if (targets.MoveNext())
                {
                    long next = targets.Current;
                    if (onPath.Contains(next))
                    {
                        throw new DocumentException(DocumentErrorKind.Corrupt, $"the PDF's object {next} refers to itself through {stack.Count} reference(s), which no reader can resolve");
                    }

                    if (!hops.ContainsKey(next) && aliases.TryGetValue(next, out var further))
                    {
                        stack.Push((next, further.GetEnumerator()));
                        onPath.Add(next);
                    }

                    continue;
                }

                stack.Pop();
                onPath.Remove(node);
                hops[node] = 1 + aliases[node].Select(t => hops.GetValueOrDefault(t)).DefaultIfEmpty(0).Max();
                if (hops[node] > MaxReferenceHops)
                {
                    throw new DocumentException(DocumentErrorKind.Corrupt, $"the PDF's object {node} starts a chain of more than {MaxReferenceHops} references");
                }
            }
        }
    }

    // A stream object's number and generation, dictionary, and where its data lies in the file.
    private readonly record struct StoredStream(long Number, int Generation, string Dictionary, int Offset, int Length);

    // Unpacks a stream, decrypting it and decoding its filters, into what reads it: kept whole (object streams) or
    // scanned (content). What filters unpack counts against the limit; a stream without one holds only the file's own
    // bytes. False when it is not unpacked here (a filter not decoded here, or damaged data).
    private static bool Unpack(byte[] pdf, StoredStream stream, PdfDecryption? decryption, ExtractionOptions options, MemoryStream? kept, ContentScanner scanner, ref long unpacked)
    {
        bool filtered = stream.Dictionary.Contains("/Filter", StringComparison.Ordinal);
        if (!filtered && decryption is null)
        {
            Hand(pdf.AsSpan(stream.Offset, stream.Length), kept, scanner);
            return true;
        }

        Stream data = new MemoryStream(pdf, stream.Offset, stream.Length, writable: false);
        data = decryption?.Open(data, stream.Number, stream.Generation, stream.Dictionary) ?? data;
        using var decoded = filtered ? PdfFilterChain.Open(data, stream.Dictionary) : data;
        if (decoded is null)
        {
            data.Dispose();
            return false;
        }

        try
        {
            var buffer = new byte[81920];
            for (int read; (read = decoded.Read(buffer)) > 0;)
            {
                unpacked += filtered ? read : 0;
                if (unpacked > options.MaxUnpackedBytes)
                {
                    throw new DocumentException(DocumentErrorKind.TooLarge, $"the PDF unpacks to more than {options.MaxUnpackedBytes} bytes (its streams, images aside)");
                }

                Hand(buffer.AsSpan(0, read), kept, scanner);
            }
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException or CryptographicException)
        {
            // Damaged data (zlib throws some of its errors as IOException): PdfPig reports the document as corrupt,
            // or reads what it can.
            return false;
        }

        return true;
    }

    // Hands a stream's (unpacked) bytes to what reads them.
    private static void Hand(ReadOnlySpan<byte> data, MemoryStream? kept, ContentScanner scanner)
    {
        kept?.Write(data);
        scanner.Scan(data);
    }

    // Where a stream's data ends, as readers find it: its /Length (a number, or an object holding one) when
    // "endstream" follows that many bytes, else the first "endstream" (less the end of line before it, no part of the
    // data: AES data is whole 16-byte blocks). Data may hold the bytes "endstream", and a reader that trusts the
    // /Length reads past them. Returns the data's length and where scanning goes on; null when no "endstream" follows.
    private static (int Length, int Next)? StreamLength(string text, int data, string dictionary, PdfObjectVersions bodies, Lazy<Dictionary<long, long>> integers)
    {
        long? declared = DirectLength().Match(dictionary) is { Success: true } direct ? long.Parse(direct.Groups["length"].ValueSpan, CultureInfo.InvariantCulture)
            : PdfSyntax.Reference(dictionary, "Length") is long target
                ? bodies[target].Count > 0 && long.TryParse(bodies[target][^1].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out long value) ? value
                : integers.Value.TryGetValue(target, out long found) ? found : null
            : null;
        if (declared is long n && n <= text.Length - data)
        {
            int after = PdfSyntax.SkipWhiteSpace(text, data + (int)n);
            if (text.AsSpan(after).StartsWith("endstream", StringComparison.Ordinal))
            {
                return ((int)n, after + "endstream".Length);
            }
        }

        int end = text.IndexOf("endstream", data, StringComparison.Ordinal);
        if (end < 0)
        {
            return null;
        }

        int length = end - data;
        length -= length > 0 && text[data + length - 1] == '\n' ? 1 : 0;
        length -= length > 0 && text[data + length - 1] == '\r' ? 1 : 0;
        return (length, end + "endstream".Length);
    }

    // Every object of the file that is only an integer (such as a stream's /Length stored after the stream): one pass.
    private static Dictionary<long, long> IntegerObjects(string text)
    {
        var integers = new Dictionary<long, long>();
        foreach (Match m in IntegerObject().Matches(text))
        {
            integers[long.Parse(m.Groups["number"].ValueSpan, CultureInfo.InvariantCulture)] = long.Parse(m.Groups["value"].ValueSpan, CultureInfo.InvariantCulture);
        }

        return integers;
    }

    // Every offset of an object in use that the file's cross-reference tables list: the entries of classic tables
    // ("0000012345 00000 n"), and the type 1 rows of cross-reference streams (/W gives each field's width, /Index the
    // object numbers' ranges, which only the row count matters for here).
    private static IEnumerable<long> TableOffsets(string text, List<(string Dictionary, byte[] Rows)> tables)
    {
        foreach (Match entry in TableEntry().Matches(text))
        {
            yield return long.Parse(entry.Groups["offset"].ValueSpan, CultureInfo.InvariantCulture);
        }

        foreach (var (dictionary, rows) in tables)
        {
            if (Widths().Match(dictionary) is not { Success: true } w)
            {
                continue;
            }

            int[] widths = [.. Integers().Matches(w.Groups["widths"].Value).Select(m => int.Parse(m.ValueSpan, CultureInfo.InvariantCulture))];
            int rowLength = widths.Sum();
            if (widths.Length != 3 || widths.Any(x => x > 8) || rowLength == 0)
            {
                continue;
            }

            for (int row = 0; row + rowLength <= rows.Length; row += rowLength)
            {
                long type = widths[0] == 0 ? 1 : Field(rows, row, widths[0]);
                if (type == 1)
                {
                    yield return Field(rows, row + widths[0], widths[1]);
                }
            }
        }

        static long Field(byte[] rows, int at, int width)
        {
            long value = 0;
            for (int i = 0; i < width; i++)
            {
                value = (value << 8) | rows[at + i];
            }

            return value;
        }
    }

    // The filters (a name or an array of names) that object `target` holds, as a stream's /Filter refers to it, in
    // each of its versions (a few at most); a bare reference, which no filter chain reads, when the object is unknown.
    private static IEnumerable<string> FilterObjects(PdfObjectVersions bodies, string target)
    {
        var versions = bodies[long.Parse(target, CultureInfo.InvariantCulture)];
        return versions.Count == 0 ? [target + " 0 R"] : versions.Select(v => v.Trim()).Distinct(StringComparer.Ordinal).Take(4);
    }

    // "12 0 obj", comments allowed between its parts, as a tokenizer skips them.
    [GeneratedRegex(@"(?<![0-9])(?<number>\d{1,10})(?:[\s\0]|%[^\r\n]*)+(?<generation>\d{1,5})(?:[\s\0]|%[^\r\n]*)+obj\b", RegexOptions.CultureInvariant)]
    private static partial Regex ObjectHeader();

    [GeneratedRegex(@"\A[\s\0]*(?<target>\d{1,10})[\s\0]+\d{1,5}[\s\0]+R[\s\0]*\z", RegexOptions.CultureInvariant)]
    private static partial Regex OnlyReference();

    [GeneratedRegex(@"/Length\s+(?<length>\d{1,10})(?![0-9.]|\s+\d{1,5}\s+R\b)", RegexOptions.CultureInvariant)]
    private static partial Regex DirectLength();

    [GeneratedRegex(@"(?<![0-9])(?<number>\d{1,10})[\s\0]+\d{1,5}[\s\0]+obj[\s\0]*(?<value>\d{1,10})[\s\0]*endobj", RegexOptions.CultureInvariant)]
    private static partial Regex IntegerObject();

    // A /Filter that is a reference to an object holding the filter's name or names.
    [GeneratedRegex(@"/Filter\s*(?<target>\d{1,10})\s+\d{1,5}\s+R\b", RegexOptions.CultureInvariant)]
    private static partial Regex IndirectFilter();

    [GeneratedRegex(@"/Subtype\s*/Image\b", RegexOptions.CultureInvariant)]
    private static partial Regex ImageSubtype();

    [GeneratedRegex(@"/Subtype\s*/Form\b", RegexOptions.CultureInvariant)]
    private static partial Regex FormSubtype();

    [GeneratedRegex(@"(?<![0-9])(?<offset>\d{10}) \d{5} n(?=[\s])", RegexOptions.CultureInvariant)]
    private static partial Regex TableEntry();

    [GeneratedRegex(@"/W\s*\[(?<widths>[^\]]*)\]", RegexOptions.CultureInvariant)]
    private static partial Regex Widths();

    [GeneratedRegex(@"/Type\s*/XRef\b", RegexOptions.CultureInvariant)]
    private static partial Regex CrossReferenceType();

    [GeneratedRegex(@"/Type\s*/ObjStm\b", RegexOptions.CultureInvariant)]
    private static partial Regex ObjectStreamType();

    [GeneratedRegex(@"\d+", RegexOptions.CultureInvariant)]
    private static partial Regex Integers();
}
