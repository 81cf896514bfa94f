using System.Security.Cryptography;
using System.Text;

namespace Jasper.Ingestion.Pipeline;

/// <summary>Stable document ids: the same source always maps to the same id, whatever its content.</summary>
public static class DocumentIds
{
    /// <summary>32 hex characters of the SHA-256 of the source (a blob URI or a full file path).</summary>
    public static string FromSource(string source) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(source)))[..32];
}
