namespace Jasper.Embeddings.Tokenization;

/// <summary>A token from the <c>added_tokens</c> list of <c>tokenizer.json</c>, matched verbatim in text.</summary>
/// <param name="Content">The literal text, e.g. <c>&lt;|endoftext|&gt;</c>.</param>
/// <param name="Id">Its id.</param>
/// <param name="Special">Whether the file marks it special (special tokens can be switched off by <c>split_special_tokens</c>).</param>
internal sealed record AddedToken(string Content, int Id, bool Special);
