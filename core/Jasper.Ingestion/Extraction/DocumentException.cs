using System.Globalization;
using System.Text;

namespace Jasper.Ingestion.Extraction;

/// <summary>A document that cannot be ingested, with a named reason; it never stops the other documents.</summary>
public sealed class DocumentException : Exception
{
    /// <summary>
    /// The longest message a reason carries, in characters. Parsers quote the document in their errors (PdfPig quotes
    /// the tokens it could not read, however many), and a reason ends up in status rows (Table storage holds 32,000
    /// characters a property), logs and terminals.
    /// </summary>
    public const int MaxMessageLength = 1_000;

    // Room for what stands for the rest of a message cut short: "… (2147483647 more characters)".
    private const int ElisionLength = 32;

    /// <summary>
    /// Creates the exception. The message is kept to <see cref="MaxMessageLength"/> characters, on one line, with
    /// control characters (a terminal's escapes, NUL) and unpaired surrogates replaced by U+FFFD.
    /// </summary>
    public DocumentException(DocumentErrorKind kind, string message, Exception? innerException = null)
        : base(Printable(message), innerException) => Kind = kind;

    /// <summary>The reason, by name.</summary>
    public DocumentErrorKind Kind { get; }

    /// <summary>"unsupported: binary content (PNG image)" and the like.</summary>
    public string Reason => $"{KindName(Kind)}: {Message}";

    /// <summary>The kind as reports spell it: empty, unsupported, corrupt, encoding, too-large, too-deep, unreadable, failed.</summary>
    public static string KindName(DocumentErrorKind kind) => string.Concat(kind.ToString().Select((c, i) => char.IsUpper(c) && i > 0 ? "-" + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString()));

    /// <summary>
    /// The reason a document failed for <paramref name="error"/>: a <see cref="DocumentException"/>'s own, and for any
    /// other error "failed: " and its message, made printable and kept short as a <see cref="DocumentException"/>'s is.
    /// </summary>
    public static string ReasonFor(Exception error)
    {
        ArgumentNullException.ThrowIfNull(error);
        return error is DocumentException known ? known.Reason : $"{KindName(DocumentErrorKind.Failed)}: {Printable(error.Message)}";
    }

    private static string Printable(string message)
    {
        ArgumentNullException.ThrowIfNull(message);

        // Replacing keeps the length (U+FFFD and a space are one character, as what they replace), so only a message
        // longer than the limit is cut, and then with room for the elision.
        int room = message.Length <= MaxMessageLength ? MaxMessageLength : MaxMessageLength - ElisionLength;
        var printable = new StringBuilder(Math.Min(message.Length, MaxMessageLength));
        foreach (var rune in message.EnumerateRunes())
        {
            // Unpaired surrogates enumerate as U+FFFD already; line breaks and tabs become spaces, other controls U+FFFD.
            var shown = rune.Value is '\n' or '\r' or '\t' ? new Rune(' ') : Rune.IsControl(rune) ? Rune.ReplacementChar : rune;
            if (printable.Length + shown.Utf16SequenceLength > room)
            {
                int leftOut = message.Length - printable.Length; // before the append below, which lengthens printable as it goes
                return printable.Append(CultureInfo.InvariantCulture, $"… ({leftOut} more characters)").ToString();
            }

            printable.Append(shown.ToString());
        }

        return printable.ToString();
    }
}
