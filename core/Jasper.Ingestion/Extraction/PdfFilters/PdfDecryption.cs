using System.Security.Cryptography;
using System.Text.RegularExpressions;

namespace Jasper.Ingestion.Extraction.PdfFilters;

#pragma warning disable CA5351 // MD5 and RC4 are what the PDF standard defines; this reads files, it protects nothing

/// <summary>
/// Decrypts the streams of a PDF that the standard security handler encrypts with an empty user password (ISO
/// 32000-2, 7.6.4): what PdfPig opens without asking for one, as it does every PDF that only restricts printing or
/// copying. RC4 (revisions 2 and 3), AES-128 (revision 4) and AES-256 (revisions 5 and 6). A PDF that needs a password
/// PdfPig refuses, so a key derived here from the empty password that turns out wrong costs nothing.
/// </summary>
internal sealed partial class PdfDecryption
{
    private static readonly byte[] Padding =
    [
        0x28, 0xBF, 0x4E, 0x5E, 0x4E, 0x75, 0x8A, 0x41, 0x64, 0x00, 0x4E, 0x56, 0xFF, 0xFA, 0x01, 0x08,
        0x2E, 0x2E, 0x00, 0xB6, 0xD0, 0x68, 0x3E, 0x80, 0x2F, 0x0C, 0xA9, 0xFE, 0x64, 0x53, 0x69, 0x7A,
    ];

    private readonly byte[] _key;
    private readonly Cipher _cipher;
    private readonly bool _metadataEncrypted;

    private PdfDecryption(byte[] key, Cipher cipher, bool metadataEncrypted) => (_key, _cipher, _metadataEncrypted) = (key, cipher, metadataEncrypted);

    private enum Cipher
    {
        None,
        Rc4,
        Aes128,
        Aes256,
    }

    /// <summary>
    /// The decryption of the PDF whose bytes <paramref name="text"/> holds (one char per byte), or null when it is not
    /// encrypted, or not by the standard security handler in a revision decrypted here.
    /// </summary>
    public static PdfDecryption? Of(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (EncryptEntry().Matches(text) is not { Count: > 0 } entries)
        {
            return null;
        }

        var entry = entries[^1]; // the newest trailer's
        string? dictionary = entry.Groups["number"].Success ? ObjectBody(text, entry.Groups["number"].Value) : PdfSyntax.Dictionary(text, entry.Groups["inline"].Index);
        if (dictionary is null || !StandardHandler().IsMatch(dictionary))
        {
            return null;
        }

        int version = Integer(dictionary, "V") ?? 0, revision = Integer(dictionary, "R") ?? 0;
        bool metadataEncrypted = !MetadataPlain().IsMatch(dictionary);
        var cipher = version switch
        {
            1 or 2 => Cipher.Rc4,
            4 or 5 => StreamCipher(dictionary),
            _ => (Cipher?)null,
        };
        byte[]? key = cipher is null ? null : revision switch
        {
            >= 2 and <= 4 => Md5Key(text, dictionary, revision, version == 4 ? 16 : (Integer(dictionary, "Length") ?? 40) / 8, metadataEncrypted),
            5 or 6 => Sha2Key(dictionary, revision),
            _ => null,
        };
        return key is null || key.Length == 0 ? null : new PdfDecryption(key, cipher!.Value, metadataEncrypted);
    }

    /// <summary>
    /// <paramref name="stored"/>, the data of object <paramref name="number"/>'s stream, decrypted; or as it is when
    /// the stream is not encrypted (a cross-reference stream, metadata left plain, streams of an identity crypt filter).
    /// </summary>
    public Stream Open(Stream stored, long number, int generation, string dictionary)
    {
        ArgumentNullException.ThrowIfNull(stored);
        ArgumentNullException.ThrowIfNull(dictionary);
        if (_cipher == Cipher.None || CrossReference().IsMatch(dictionary) || (!_metadataEncrypted && MetadataType().IsMatch(dictionary)))
        {
            return stored;
        }

        byte[] key = _cipher == Cipher.Aes256 ? _key : ObjectKey(number, generation);
        return _cipher == Cipher.Rc4 ? new Rc4Stream(stored, key) : AesCbc(stored, key);
    }

    // Algorithm 1: the file key mixed with the object's number and generation (and "sAlT" for AES).
    private byte[] ObjectKey(long number, int generation)
    {
        byte[] salt = _cipher == Cipher.Aes128 ? "sAlT"u8.ToArray() : [];
        byte[] hash = MD5.HashData([.. _key, (byte)number, (byte)(number >> 8), (byte)(number >> 16), (byte)generation, (byte)(generation >> 8), .. salt]);
        return hash[..Math.Min(_key.Length + 5, 16)];
    }

    // AES in CBC mode, the stream's first 16 bytes its initialization vector, PKCS #7 padding at its end (bad padding
    // throws at the end, once the rest has been read and weighed).
    private static Stream AesCbc(Stream stored, byte[] key)
    {
        var iv = new byte[16];
        if (stored.ReadAtLeast(iv, iv.Length, throwOnEndOfStream: false) < iv.Length)
        {
            stored.Dispose();
            return Stream.Null;
        }

        using var aes = Aes.Create();
        aes.Key = key;
        return new CryptoStream(stored, aes.CreateDecryptor(key, iv), CryptoStreamMode.Read);
    }

    // Algorithm 2, for the empty user password: MD5 of the padded password, /O, /P, the file's first /ID and (when
    // metadata stays plain, revision 4) four 0xFF bytes; from revision 3 hashed 50 times more.
    private static byte[]? Md5Key(string text, string dictionary, int revision, int length, bool metadataEncrypted)
    {
        byte[]? owner = StringEntry(dictionary, "O");
        byte[]? id = IdEntry().Matches(text) is { Count: > 0 } ids ? PdfStrings.Read(text, ids[^1].Index + ids[^1].Length) : null;
        if (owner is null || owner.Length < 32 || id is null || length is < 5 or > 16 || PdfSyntax.Integer(dictionary, "P") is not long permissions)
        {
            return null;
        }

        int p = unchecked((int)permissions); // written signed or unsigned
        byte[] hash = MD5.HashData([.. Padding, .. owner[..32], (byte)p, (byte)(p >> 8), (byte)(p >> 16), (byte)(p >> 24), .. id,
            .. revision >= 4 && !metadataEncrypted ? new byte[] { 0xFF, 0xFF, 0xFF, 0xFF } : []]);
        for (int i = 0; revision >= 3 && i < 50; i++)
        {
            hash = MD5.HashData(hash.AsSpan(0, length));
        }

        return hash[..length];
    }

    // Revisions 5 and 6: the file key is /UE decrypted with a key hashed from the empty password and /U's key salt.
    private static byte[]? Sha2Key(string dictionary, int revision)
    {
        if (StringEntry(dictionary, "U") is not { Length: >= 48 } user || StringEntry(dictionary, "UE") is not { Length: >= 32 } wrapped)
        {
            return null;
        }

        byte[] salt = user[40..48];
        byte[] intermediate = revision == 5 ? SHA256.HashData(salt) : Hash6(salt);
        using var aes = Aes.Create();
        aes.Key = intermediate;
        return aes.DecryptCbc(wrapped[..32], new byte[16], PaddingMode.None);
    }

    // Algorithm 2.B for the empty password and no user entry: SHA-256, then rounds of AES-128 and SHA-2 until at least
    // 64 are done and the last byte of the round's output is at most the rounds done less 32.
    private static byte[] Hash6(byte[] salt)
    {
        byte[] k = SHA256.HashData(salt);
        using var aes = Aes.Create();
        for (int rounds = 1; ; rounds++)
        {
            var repeated = new byte[64 * k.Length];
            for (int i = 0; i < 64; i++)
            {
                k.CopyTo(repeated, i * k.Length);
            }

            aes.Key = k[..16];
            byte[] e = aes.EncryptCbc(repeated, k[16..32], PaddingMode.None);
            int sum = 0;
            for (int i = 0; i < 16; i++)
            {
                sum += e[i];
            }

            k = (sum % 3) switch
            {
                0 => SHA256.HashData(e),
                1 => SHA384.HashData(e),
                _ => SHA512.HashData(e),
            };
            if (rounds >= 64 && e[^1] <= rounds - 32)
            {
                return k[..32];
            }
        }
    }

    // The crypt filter streams use (/StmF) and its method (/CFM): identity, RC4 or AES.
    private static Cipher? StreamCipher(string dictionary)
    {
        string name = StreamFilter().Match(dictionary) is { Success: true } m ? m.Groups["name"].Value : "Identity";
        if (name == "Identity")
        {
            return Cipher.None;
        }

        string? filters = CryptFilters().Match(dictionary) is { Success: true } all ? PdfSyntax.Dictionary(dictionary, all.Index + all.Length - 2) : null;
        string? filter = filters is not null && Regex.Match(filters, $@"/{Regex.Escape(name)}\s*<<", RegexOptions.CultureInvariant) is { Success: true } own
            ? PdfSyntax.Dictionary(filters, own.Index + own.Length - 2)
            : null;
        return filter is not null && CryptMethod().Match(filter) is { Success: true } method
            ? method.Groups["method"].Value switch
            {
                "V2" => Cipher.Rc4,
                "AESV2" => Cipher.Aes128,
                "AESV3" => Cipher.Aes256,
                "None" => Cipher.None,
                _ => null,
            }
            : null;
    }

    private static string? ObjectBody(string text, string number)
    {
        var headers = Regex.Matches(text, $@"(?<![0-9]){number}[\s\0]+\d{{1,5}}[\s\0]+obj\b", RegexOptions.CultureInvariant, TimeSpan.FromSeconds(5));
        if (headers.Count == 0)
        {
            return null;
        }

        int body = headers[^1].Index + headers[^1].Length;
        int end = text.IndexOf("endobj", body, StringComparison.Ordinal);
        return end < 0 ? null : text[body..end];
    }

    private static byte[]? StringEntry(string dictionary, string key) =>
        Regex.Match(dictionary, $@"/{key}(?![A-Za-z0-9])", RegexOptions.CultureInvariant) is { Success: true } m ? PdfStrings.Read(dictionary, m.Index + m.Length) : null;

    private static int? Integer(string dictionary, string key) =>
        PdfSyntax.Integer(dictionary, key) is long value && value is >= 0 and <= int.MaxValue ? (int)value : null;

    [GeneratedRegex(@"/Encrypt\s*(?:(?<number>\d{1,10})\s+\d{1,5}\s+R\b|(?<inline><<))", RegexOptions.CultureInvariant)]
    private static partial Regex EncryptEntry();

    [GeneratedRegex(@"/Filter\s*/Standard\b", RegexOptions.CultureInvariant)]
    private static partial Regex StandardHandler();

    [GeneratedRegex(@"/EncryptMetadata\s+false\b", RegexOptions.CultureInvariant)]
    private static partial Regex MetadataPlain();

    [GeneratedRegex(@"/ID\s*\[", RegexOptions.CultureInvariant)]
    private static partial Regex IdEntry();

    [GeneratedRegex(@"/StmF\s*/(?<name>[^\s/\[\]<>(){}%]+)", RegexOptions.CultureInvariant)]
    private static partial Regex StreamFilter();

    [GeneratedRegex(@"/CF\s*<<", RegexOptions.CultureInvariant)]
    private static partial Regex CryptFilters();

    [GeneratedRegex(@"/CFM\s*/(?<method>[A-Za-z0-9]+)", RegexOptions.CultureInvariant)]
    private static partial Regex CryptMethod();

    [GeneratedRegex(@"/Type\s*/XRef\b", RegexOptions.CultureInvariant)]
    private static partial Regex CrossReference();

    [GeneratedRegex(@"/Type\s*/Metadata\b", RegexOptions.CultureInvariant)]
    private static partial Regex MetadataType();
}
