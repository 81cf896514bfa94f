using System.Text;

namespace Jasper.Ingestion.Extraction;

/// <summary>
/// Weighs a PDF content stream a chunk at a time as it is unpacked, so that it is never held whole: the letters it can
/// show at most (a byte of a literal string, or two digits of a hex string, is a letter at most), its operators (the
/// words outside strings that are not numbers: PdfPig holds every operation of a page at once) and how often it
/// draws each XObject name with <c>/Name Do</c>. Draws are found with strings disregarded, as inline image data or a string
/// can look like one: counting those too errs toward refusing.
/// </summary>
internal sealed class ContentScanner
{
    // PDF names are at most 127 bytes; longer tokens are cut, as they only need telling apart.
    private const int MaxToken = 128;

    private readonly StringBuilder _name = new();
    private TokenKind _kind;
    private bool _waiting; // _name, followed by white space: a "Do" next draws it
    private int _wordLength;
    private bool _word; // the word so far is "D" or "Do"
    private bool _wordOutside; // the word started outside strings
    private bool _wordNumeric; // the word so far is a number

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

    /// <summary>The content's operators, so far.</summary>
    public long Operators { get; private set; }

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

        EndToken(nameWaits: false);
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
        else if (!PdfSyntax.IsWhiteSpace((char)b))
        {
            _hexDigits++;
        }
    }

    private void FindDraw(byte b)
    {
        if (PdfSyntax.IsWhiteSpace((char)b))
        {
            EndToken(nameWaits: true);
        }
        else if (!PdfSyntax.IsRegular((char)b)) // a delimiter
        {
            EndToken(nameWaits: false);
            _waiting = false; // a delimiter between a name and "Do" makes it no draw
            if (b == '/')
            {
                _kind = TokenKind.Name;
                _name.Clear();
            }
        }
        else if (_kind == TokenKind.Name)
        {
            if (_name.Length < MaxToken)
            {
                _name.Append((char)b);
            }
        }
        else
        {
            // Only whether a word is "Do", a number, or an operator matters.
            if (_kind == TokenKind.None)
            {
                (_wordOutside, _wordNumeric) = (_string == StringState.Outside, true);
            }

            _kind = TokenKind.Word;
            _wordNumeric &= b is (>= (byte)'0' and <= (byte)'9') or (byte)'.' or (byte)'+' or (byte)'-';
            _word = _wordLength switch
            {
                0 => b == 'D',
                1 => _word && b == 'o',
                _ => false,
            };
            _wordLength++;
        }
    }

    // A name ended by white space waits for a "Do"; a word is "Do" drawing the name waiting, or ends the wait.
    private void EndToken(bool nameWaits)
    {
        if (_kind == TokenKind.Name)
        {
            _waiting = nameWaits && _name.Length > 0;
        }
        else if (_kind == TokenKind.Word)
        {
            Operators += _wordOutside && !_wordNumeric ? 1 : 0;
            if (_waiting && _word && _wordLength == 2)
            {
                string name = PdfNames.SpelledOut(_name.ToString());
                Draws[name] = Draws.GetValueOrDefault(name) + 1;
            }

            _waiting = false;
        }

        (_kind, _wordLength, _word) = (TokenKind.None, 0, false);
    }
}
