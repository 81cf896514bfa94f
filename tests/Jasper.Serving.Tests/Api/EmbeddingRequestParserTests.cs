using System.Text;
using Jasper.Serving.Api;

namespace Jasper.Serving.Tests.Api;

/// <summary>Text that is not valid Unicode is the client's mistake: a 400 naming the field, never a server error.</summary>
public sealed class EmbeddingRequestParserTests
{
    [Theory]
    [InlineData("""{"input": "\ud800 alone"}""", "input")]
    [InlineData("""{"input": ["fine", "\udc00"]}""", "input")]
    [InlineData("""{"input": "x", "model": "\ud83d"}""", "model")]
    [InlineData("""{"input": "x", "prompt_name": "\udfff"}""", "prompt_name")]
    public void A_lone_surrogate_is_a_400_that_names_the_field(string body, string param)
    {
        var error = Assert.Throws<ApiException>(() => EmbeddingRequestParser.ParseNative(Encoding.UTF8.GetBytes(body)));
        Assert.Equal(400, error.StatusCode);
        Assert.Equal(param, error.Param);
        Assert.Contains("surrogate", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Invalid_UTF_8_is_a_400()
    {
        byte[] body = [.. "{\"input\": \"a"u8, 0xFF, 0xFE, .. "b\"}"u8];
        var error = Assert.Throws<ApiException>(() => EmbeddingRequestParser.ParseOpenAI(body));
        Assert.Equal(400, error.StatusCode);
    }

    [Fact]
    public void A_surrogate_pair_is_text_like_any_other()
    {
        var request = EmbeddingRequestParser.ParseOpenAI("""{"input": "\ud83d\ude00 smile"}"""u8);
        Assert.Equal("😀 smile", Assert.Single(request.Inputs));
    }
}
