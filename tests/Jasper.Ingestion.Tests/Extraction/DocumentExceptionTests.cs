using Jasper.Ingestion.Extraction;

namespace Jasper.Ingestion.Tests.Extraction;

/// <summary>Reasons are printable, one line, and short enough for a status row, whoever wrote the message.</summary>
public sealed class DocumentExceptionTests
{
    [Fact]
    public void A_message_at_the_limit_is_kept_whole_and_one_past_it_is_cut_with_what_was_left_out()
    {
        string atLimit = new('a', DocumentException.MaxMessageLength);
        Assert.Equal(atLimit, new DocumentException(DocumentErrorKind.Corrupt, atLimit).Message);

        var cut = new DocumentException(DocumentErrorKind.Corrupt, atLimit + "b").Message;
        Assert.True(cut.Length <= DocumentException.MaxMessageLength, $"{cut.Length} characters");
        int kept = cut.IndexOf('…', StringComparison.Ordinal);
        Assert.Equal(new string('a', kept), cut[..kept]);
        Assert.Equal($"… ({DocumentException.MaxMessageLength + 1 - kept} more characters)", cut[kept..]);
    }

    [Fact]
    public void Control_characters_and_unpaired_surrogates_are_replaced_and_emoji_kept()
    {
        var error = new DocumentException(DocumentErrorKind.Encoding, "a\u001b[31mb\u0000c\u0085d\uD800e💎f");

        Assert.Equal("encoding: a\uFFFD[31mb\uFFFDc\uFFFDd\uFFFDe💎f", error.Reason);
    }

    [Fact]
    public void Any_other_error_fails_the_document_with_its_message_made_printable_on_one_line()
    {
        Assert.Equal("failed: the disk  is full \uFFFD", DocumentException.ReasonFor(new IOException("the disk\r\nis full\t\u0007")));
        Assert.Equal("too-deep: nested", DocumentException.ReasonFor(new DocumentException(DocumentErrorKind.TooDeep, "nested")));
    }
}
