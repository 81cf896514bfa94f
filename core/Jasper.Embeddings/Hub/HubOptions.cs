namespace Jasper.Embeddings.Hub;

/// <summary>Where and how to reach a Hugging Face hub.</summary>
public sealed class HubOptions
{
    /// <summary>The public hub.</summary>
    public static readonly Uri DefaultEndpoint = new("https://huggingface.co");

    /// <summary>Hub base address (a mirror, or a local server in tests).</summary>
    public Uri Endpoint { get; set; } = DefaultEndpoint;

    /// <summary>Access token for gated or private repositories.</summary>
    public string? Token { get; set; }

    /// <summary>Attempts per request before giving up; each retry of a download resumes where the last one stopped.</summary>
    public int MaxAttempts { get; set; } = 4;

    /// <summary>Longest wait for a connection to open.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// Longest wait for the hub to start answering a request, and for each read of a body to bring data: an endpoint
    /// that accepts a connection and then stays silent fails after this (and the retries) instead of hanging.
    /// </summary>
    public TimeSpan ResponseTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Options from the environment: <c>HF_ENDPOINT</c> and <c>HF_TOKEN</c>, as huggingface_hub reads them.</summary>
    public static HubOptions FromEnvironment() => FromEnvironment(Environment.GetEnvironmentVariable);

    /// <summary>Options from <paramref name="variable"/>, which reads an environment variable by name.</summary>
    internal static HubOptions FromEnvironment(Func<string, string?> variable)
    {
        var options = new HubOptions { Token = variable("HF_TOKEN") };
        if (variable("HF_ENDPOINT") is { Length: > 0 } endpoint)
        {
            options.Endpoint = new Uri(endpoint);
        }

        return options;
    }
}
