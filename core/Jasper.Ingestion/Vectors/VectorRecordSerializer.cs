using System.Buffers.Binary;
using System.Text.Json;
using Jasper.Ingestion.Serialization;

namespace Jasper.Ingestion.Vectors;

/// <summary>
/// JSON Lines form of <see cref="VectorRecord"/>: snake_case fields in the order docs/architecture.md lists them, and
/// <c>embedding</c> as base64 of little-endian float32 (the OpenAI base64 convention).
/// </summary>
public static class VectorRecordSerializer
{
    /// <summary>One record as a UTF-8 JSON line, newline included.</summary>
    public static ReadOnlyMemory<byte> ToJsonLine(VectorRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        return JsonLines.Line(json =>
        {
            json.WriteStartObject();
            json.WriteString("id", record.Id);
            json.WriteString("document_id", record.DocumentId);
            json.WriteString("source", record.Source);
            json.WriteNumber("chunk_index", record.ChunkIndex);
            json.WriteNumber("char_start", record.CharStart);
            json.WriteNumber("char_end", record.CharEnd);
            json.WriteString("text", record.Text);
            json.WriteNumber("tokens", record.Tokens);
            json.WriteNumber("compressed_tokens", record.CompressedTokens);
            json.WriteNumber("compression_ratio", record.CompressionRatio);
            json.WriteString("priority", record.Priority);
            json.WriteString("model", record.Model);
            json.WriteNumber("dimensions", record.Dimensions);
            json.WriteBase64String("embedding", EncodeEmbedding(record.Embedding));
            json.WriteEndObject();
        }, 1024 + (record.Embedding.Length * 6) + (record.Text.Length * 2));
    }

    /// <summary>Parses one line written by <see cref="ToJsonLine"/>.</summary>
    public static VectorRecord Parse(string line)
    {
        try
        {
            using var doc = JsonDocument.Parse(line);
            var r = doc.RootElement;
            return new VectorRecord
            {
                Id = r.GetProperty("id").GetString()!,
                DocumentId = r.GetProperty("document_id").GetString()!,
                Source = r.GetProperty("source").GetString()!,
                ChunkIndex = r.GetProperty("chunk_index").GetInt32(),
                CharStart = r.GetProperty("char_start").GetInt64(),
                CharEnd = r.GetProperty("char_end").GetInt64(),
                Text = r.GetProperty("text").GetString()!,
                Tokens = r.GetProperty("tokens").GetInt32(),
                CompressedTokens = r.GetProperty("compressed_tokens").GetInt32(),
                CompressionRatio = r.GetProperty("compression_ratio").GetDouble(),
                Priority = r.GetProperty("priority").GetString()!,
                Model = r.GetProperty("model").GetString()!,
                Dimensions = r.GetProperty("dimensions").GetInt32(),
                Embedding = DecodeEmbedding(r.GetProperty("embedding").GetBytesFromBase64()),
            };
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new InvalidDataException($"Not a vector record: {ex.Message}", ex);
        }
    }

    /// <summary>Little-endian float32 bytes of a vector.</summary>
    public static byte[] EncodeEmbedding(ReadOnlySpan<float> vector)
    {
        var bytes = new byte[vector.Length * 4];
        for (int i = 0; i < vector.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * 4), vector[i]);
        }

        return bytes;
    }

    /// <summary>The vector in little-endian float32 bytes.</summary>
    public static float[] DecodeEmbedding(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length % 4 != 0)
        {
            throw new FormatException("An embedding's byte length must be a multiple of 4.");
        }

        var vector = new float[bytes.Length / 4];
        for (int i = 0; i < vector.Length; i++)
        {
            vector[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes[(i * 4)..]);
        }

        return vector;
    }
}
