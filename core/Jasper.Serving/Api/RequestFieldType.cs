namespace Jasper.Serving.Api;

/// <summary>The JSON type of a request field.</summary>
public enum RequestFieldType
{
    /// <summary>A string.</summary>
    String,

    /// <summary>A string, or a non-empty array of strings (<c>input</c>).</summary>
    StringOrStrings,

    /// <summary>A positive integer.</summary>
    Integer,

    /// <summary>A number.</summary>
    Number,

    /// <summary><c>true</c> or <c>false</c>.</summary>
    Boolean,
}
