namespace Jasper.Serving.Api;

/// <summary>A request the API refuses, in OpenAI's error shape.</summary>
public sealed class ApiException : Exception
{
    /// <summary>Creates the error.</summary>
    public ApiException(int statusCode, string message, string? param = null, string? code = null, string type = "invalid_request_error")
        : base(message)
    {
        StatusCode = statusCode;
        Param = param;
        Code = code;
        Type = type;
    }

    /// <summary>HTTP status.</summary>
    public int StatusCode { get; }

    /// <summary>The request field at fault.</summary>
    public string? Param { get; }

    /// <summary>A machine-readable code.</summary>
    public string? Code { get; }

    /// <summary>OpenAI's error type.</summary>
    public string Type { get; }

    /// <summary>400 for a field.</summary>
    public static ApiException Invalid(string message, string? param, string? code = null) => new(400, message, param, code);
}
