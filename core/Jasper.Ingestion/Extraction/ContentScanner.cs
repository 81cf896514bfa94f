using System.Text;

namespace Jasper.Ingestion.Extraction;

/// <summary>
/// Weighs a PDF content stream a chunk at a time as it is unpacked, so that it is never held whole: the letters it can
/// show at most (a byte of a literal string, or two digits of a hex string, is a letter at most) and how often it draws
/// each XObject name with <c>/Name Do</c>. Draws are found with strings disregarded, as inline image data or a string
/// can look like one: counting those too errs toward refusing.
/// </summary>
internal sealed class ContentScanner
{
    // PDF names are at most 127 bytes; longer tokens are cut, as they only need telling apart.
    private const int MaxToken = 128;

    private readonly StringBuilder _token = new();
    private TokenKind _kind;
    private string? _pending; // a name followed by white space, which a "Do" next would draw

    private StringState _string;
    private int _depth;
    private bool _escaped;
    private long _hexDigits;

    private enum TokenKind
    {
        None,
        Name,
        Word,
    }

    private enum StringState
    {
        Outside,
        LessThan,
        Literal,
        Hex,
    }

    /// <summary>The letters the content can show at most, so far.</summary>
    public long Letters { get; private set; }

    /// <summary>How often the content draws each XObject name (escapes spelled out), so far.</summary>
    public Dictionary<string, long> Draws { get; } = new(StringComparer.Ordinal);

    /// <summary>Weighs the next <paramref name="chunk"/> of the content.</summary>
    public void Scan(ReadOnlySpan<byte> chunk)
    {
        foreach (byte b in chunk)
        {
            CountLetter(b);
            FindDraw(b);
        }
    }

    /// <summary>Ends the content: a hex string or token it ends inside is counted.</summary>
    public void Finish()
    {
        if (_string == StringState.Hex)
        {
            CountHex((byte)'>');
        }

        EndToken(pendingAfter: false);
    }

    private void CountLetter(byte b)
    {
        switch (_string)
        {
            case StringState.Outside:
                _string = b == '(' ? StringState.Literal : b == '<' ? StringState.LessThan : StringState.Outside;
                _depth = 1;
                break;
            case StringState.LessThan: // "<<" opens a dictionary, any other "<" a hex string
                _string = b == '<' ? StringState.Outside : StringState.Hex;
                _hexDigits = 0;
                CountHex(b);
                break;
            case StringState.Hex:
                CountHex(b);
                break;
            case StringState.Literal when _escaped:
                _escaped = false;
                Letters++; // an escape is one letter, whatever follows
                break;
            case StringState.Literal:
                _escaped = b == '\\';
                _depth += b == '(' ? 1 : b == ')' ? -1 : 0;
                if (_depth == 0)
                {
                    _string = StringState.Outside;
                }
                else if (!_escaped)
                {
                    Letters++;
                }

                break;
        }
    }

    private void CountHex(byte b)
    {
        if (b == '>')
        {
            Letters += (_hexDigits + 1) / 2;
            _string = StringState.Outside;
        }
        else if (!IsWhiteSpace(b))
        {
            _hexDigits++;
        }
    }

    private void FindDraw(byte b)
    {
        if (IsWhiteSpace(b))
        {
            EndToken(pendingAfter: true);
        }
        else if (b is (byte)'/' or (byte)'[' or (byte)']' or (byte)'<' or (byte)'>' or (byte)'(' or (byte)')' or (byte)'{' or (byte)'}' or (byte)'%')
        {
            EndToken(pendingAfter: false);
            _pending = null; // a delimiter between a name and "Do" makes it no draw
            _kind = b == '/' ? TokenKind.Name : TokenKind.None;
        }
        else
        {
            _kind = _kind == TokenKind.None ? TokenKind.Word : _kind;
            if (_token.Length < MaxToken)
            {
                _token.Append((char)b);
            }
        }
    }

    // A name ended by white space waits for a "Do"; a word is "Do" drawing the name waiting, or ends the wait.
    private void EndToken(bool pendingAfter)
    {
        if (_kind == TokenKind.Name)
        {
            _pending = pendingAfter && _token.Length > 0 ? PdfNames.SpelledOut(_token.ToString()) : null;
        }
        else if (_kind == TokenKind.Word)
        {
            if (_pending is not null && _token.Length == 2 && _token[0] == 'D' && _token[1] == 'o')
            {
                Draws[_pending] = Draws.GetValueOrDefault(_pending) + 1;
            }

            _pending = null;
        }

        _token.Clear();
        _kind = TokenKind.None;
    }

    private static bool IsWhiteSpace(byte b) => b is 0 or 9 or 10 or 12 or 13 or 32;
}
