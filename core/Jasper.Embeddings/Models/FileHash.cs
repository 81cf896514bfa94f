using System.Security.Cryptography;

namespace Jasper.Embeddings.Models;

/// <summary>
/// The one way model files are fingerprinted: lower-case hex SHA-256, as Hugging Face lists LFS files and as the
/// manifest records converted files. Downloads compare against it with <see cref="MatchesAsync"/>.
/// </summary>
public static class FileHash
{
    /// <summary>Lower-case hex SHA-256 of a file.</summary>
    public static async Task<string> Sha256Async(string path, CancellationToken cancellationToken = default)
    {
        await using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>Lower-case hex SHA-256 of a file, synchronously (conversion runs on its own thread).</summary>
    public static string Sha256(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    /// <summary>Whether the file exists and its SHA-256 is <paramref name="sha256"/> (hex, any case).</summary>
    public static async Task<bool> MatchesAsync(string path, string sha256, CancellationToken cancellationToken = default) =>
        File.Exists(path) && string.Equals(await Sha256Async(path, cancellationToken).ConfigureAwait(false), sha256, StringComparison.OrdinalIgnoreCase);
}
