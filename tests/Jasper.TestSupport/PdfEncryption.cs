using System.Security.Cryptography;
using System.Text;

namespace Jasper.TestSupport;

#pragma warning disable CA5351 // MD5 and RC4 are what the PDF standard defines for these revisions; nothing here protects data

/// <summary>
/// The standard security handler (ISO 32000-2, 7.6.4) as a writer uses it, with an empty user password (what any
/// reader opens without asking) and an owner password: RC4 of 40 or 128 bits (revisions 2 and 3), AES-128 (revision
/// 4) and AES-256 (revision 6). Written apart from the inspector's decryption; PdfPig opening what it writes is the
/// check that it is right.
/// </summary>
public sealed class PdfEncryption
{
    private static readonly byte[] Padding =
    [
        0x28, 0xBF, 0x4E, 0x5E, 0x4E, 0x75, 0x8A, 0x41, 0x64, 0x00, 0x4E, 0x56, 0xFF, 0xFA, 0x01, 0x08,
        0x2E, 0x2E, 0x00, 0xB6, 0xD0, 0x68, 0x3E, 0x80, 0x2F, 0x0C, 0xA9, 0xFE, 0x64, 0x53, 0x69, 0x7A,
    ];

    private const int Permissions = -4;
    private readonly byte[] _key;
    private readonly string _cipher; // RC4, AESV2 or AESV3

    private PdfEncryption(string dictionary, byte[] key, string cipher)
    {
        Dictionary = dictionary;
        _key = key;
        _cipher = cipher;
    }

    /// <summary>The first part of the file identifier, which the RC4 and AES-128 keys depend on.</summary>
    public static byte[] Id { get; } = Convert.FromHexString("0123456789ABCDEF0123456789ABCDEF");

    /// <summary>The encryption dictionary, to be written as an object the trailer's <c>/Encrypt</c> names.</summary>
    public string Dictionary { get; }

    /// <summary>The trailer entries that go with it: <c>/Encrypt</c> (object <paramref name="number"/>) and <c>/ID</c>.</summary>
    public static string Trailer(int number) => $"/Encrypt {number} 0 R /ID [<{Convert.ToHexString(Id)}> <{Convert.ToHexString(Id)}>]";

    /// <summary>
    /// RC4 with a key of <paramref name="bits"/> (40: revision 2; more: revision 3), its /O and /U written as hex
    /// strings or, with <paramref name="literal"/>, as literal strings with escapes.
    /// </summary>
    public static PdfEncryption Rc4(int bits, bool literal = false)
    {
        int revision = bits == 40 ? 2 : 3, length = bits / 8;
        byte[] owner = OwnerEntry(revision, length);
        byte[] key = FileKey(revision, length, owner, encryptMetadata: true);
        Func<byte[], string> write = literal ? Literal : bytes => $"<{Hex(bytes)}>";
        return new PdfEncryption(
            $"<< /Filter /Standard /V {(revision == 2 ? 1 : 2)} /R {revision} /Length {bits} /O {write(owner)} /U {write(UserEntry(revision, key))} /P {Permissions} >>",
            key,
            "RC4");
    }

    /// <summary>AES-128 through a crypt filter (revision 4).</summary>
    public static PdfEncryption Aes128()
    {
        byte[] owner = OwnerEntry(4, 16);
        byte[] key = FileKey(4, 16, owner, encryptMetadata: true);
        return new PdfEncryption(
            $"<< /Filter /Standard /V 4 /R 4 /Length 128 /CF << /StdCF << /AuthEvent /DocOpen /CFM /AESV2 /Length 16 >> >> /StmF /StdCF /StrF /StdCF /O <{Hex(owner)}> /U <{Hex(UserEntry(4, key))}> /P {Permissions} >>",
            key,
            "AESV2");
    }

    /// <summary>AES-256 (revision 6), its file key wrapped by keys hashed from the passwords.</summary>
    public static PdfEncryption Aes256()
    {
        byte[] key = [.. Enumerable.Range(1, 32).Select(i => (byte)(i * 7))];
        byte[] userSalts = [.. Enumerable.Range(0, 16).Select(i => (byte)(0xA0 + i))];
        byte[] ownerSalts = [.. Enumerable.Range(0, 16).Select(i => (byte)(0x30 + i))];
        byte[] user = [.. Hash6([], userSalts[..8], []), .. userSalts];
        byte[] userKey = Cbc(Hash6([], userSalts[8..], []), key);
        byte[] ownerPassword = Encoding.ASCII.GetBytes("owner");
        byte[] owner = [.. Hash6(ownerPassword, ownerSalts[..8], user), .. ownerSalts];
        byte[] ownerKey = Cbc(Hash6(ownerPassword, ownerSalts[8..], user), key);
        byte[] permissions = [.. BitConverter.GetBytes(Permissions), 0xFF, 0xFF, 0xFF, 0xFF, (byte)'T', (byte)'a', (byte)'d', (byte)'b', 1, 2, 3, 4];
        using var aes = Aes.Create();
        aes.Key = key;
        byte[] perms = aes.EncryptEcb(permissions, PaddingMode.None);
        return new PdfEncryption(
            $"<< /Filter /Standard /V 5 /R 6 /Length 256 /CF << /StdCF << /AuthEvent /DocOpen /CFM /AESV3 /Length 32 >> >> /StmF /StdCF /StrF /StdCF /O <{Hex(owner)}> /U <{Hex(user)}> /OE <{Hex(ownerKey)}> /UE <{Hex(userKey)}> /Perms <{Hex(perms)}> /P {Permissions} >>",
            key,
            "AESV3");
    }

    /// <summary>A stream's or string's data encrypted as object <paramref name="number"/> (generation 0) holds it.</summary>
    public byte[] Encrypt(byte[] data, int number)
    {
        if (_cipher == "AESV3")
        {
            return AesWithIv(_key, data);
        }

        byte[] salt = _cipher == "AESV2" ? "sAlT"u8.ToArray() : [];
        byte[] objectKey = MD5.HashData([.. _key, (byte)number, (byte)(number >> 8), (byte)(number >> 16), 0, 0, .. salt])[..Math.Min(_key.Length + 5, 16)];
        return _cipher == "AESV2" ? AesWithIv(objectKey, data) : Rc4Transform(objectKey, data);
    }

    // Algorithm 3: the owner password's key RC4-encrypts the padded user password.
    private static byte[] OwnerEntry(int revision, int length)
    {
        byte[] hash = MD5.HashData(Padded("owner"u8.ToArray()));
        for (int i = 0; revision >= 3 && i < 50; i++)
        {
            hash = MD5.HashData(hash);
        }

        byte[] ownerKey = hash[..length];
        byte[] entry = Rc4Transform(ownerKey, Padding);
        for (int i = 1; revision >= 3 && i <= 19; i++)
        {
            entry = Rc4Transform([.. ownerKey.Select(b => (byte)(b ^ i))], entry);
        }

        return entry;
    }

    // Algorithm 2, for the empty user password.
    private static byte[] FileKey(int revision, int length, byte[] owner, bool encryptMetadata)
    {
        byte[] hash = MD5.HashData([.. Padding, .. owner, .. BitConverter.GetBytes(Permissions), .. Id, .. revision >= 4 && !encryptMetadata ? new byte[] { 0xFF, 0xFF, 0xFF, 0xFF } : []]);
        for (int i = 0; revision >= 3 && i < 50; i++)
        {
            hash = MD5.HashData(hash.AsSpan(0, length));
        }

        return hash[..length];
    }

    // Algorithms 4 and 5.
    private static byte[] UserEntry(int revision, byte[] key)
    {
        if (revision == 2)
        {
            return Rc4Transform(key, Padding);
        }

        byte[] entry = Rc4Transform(key, MD5.HashData([.. Padding, .. Id]));
        for (int i = 1; i <= 19; i++)
        {
            entry = Rc4Transform([.. key.Select(b => (byte)(b ^ i))], entry);
        }

        return [.. entry, .. new byte[16]];
    }

    // Algorithm 2.B (revision 6).
    private static byte[] Hash6(byte[] password, byte[] salt, byte[] userEntry)
    {
        byte[] k = SHA256.HashData([.. password, .. salt, .. userEntry]);
        using var aes = Aes.Create();
        for (int round = 0; ; round++)
        {
            byte[] block = [.. password, .. k, .. userEntry];
            byte[] k1 = [.. Enumerable.Repeat(block, 64).SelectMany(b => b)];
            aes.Key = k[..16];
            byte[] e = aes.EncryptCbc(k1, k[16..32], PaddingMode.None);
            k = (e[..16].Sum(b => b) % 3) switch
            {
                0 => SHA256.HashData(e),
                1 => SHA384.HashData(e),
                _ => SHA512.HashData(e),
            };
            if (round >= 63 && e[^1] <= round + 1 - 32)
            {
                return k[..32];
            }
        }
    }

    private static byte[] Cbc(byte[] key, byte[] data)
    {
        using var aes = Aes.Create();
        aes.Key = key;
        return aes.EncryptCbc(data, new byte[16], PaddingMode.None);
    }

    private static byte[] AesWithIv(byte[] key, byte[] data)
    {
        using var aes = Aes.Create();
        aes.Key = key;
        byte[] iv = [.. Enumerable.Range(0, 16).Select(i => (byte)(i * 11))];
        return [.. iv, .. aes.EncryptCbc(data, iv, PaddingMode.PKCS7)];
    }

    private static byte[] Rc4Transform(byte[] key, byte[] data)
    {
        byte[] s = [.. Enumerable.Range(0, 256).Select(i => (byte)i)];
        for (int i = 0, j = 0; i < 256; i++)
        {
            j = (j + s[i] + key[i % key.Length]) & 255;
            (s[i], s[j]) = (s[j], s[i]);
        }

        var output = new byte[data.Length];
        for (int n = 0, i = 0, j = 0; n < data.Length; n++)
        {
            i = (i + 1) & 255;
            j = (j + s[i]) & 255;
            (s[i], s[j]) = (s[j], s[i]);
            output[n] = (byte)(data[n] ^ s[(s[i] + s[j]) & 255]);
        }

        return output;
    }

    private static byte[] Padded(byte[] password) => [.. password.Take(32), .. Padding.Take(32 - Math.Min(32, password.Length))];

    private static string Hex(byte[] bytes) => Convert.ToHexString(bytes);

    // Printable ASCII as itself (parentheses and backslash escaped), other bytes as three octal digits.
    private static string Literal(byte[] bytes) =>
        "(" + string.Concat(bytes.Select(b => b is (byte)'(' or (byte)')' or (byte)'\\' ? "\\" + (char)b
            : b is >= 0x20 and < 0x7F ? ((char)b).ToString()
            : "\\" + Convert.ToString(b, 8).PadLeft(3, '0'))) + ")";
}
