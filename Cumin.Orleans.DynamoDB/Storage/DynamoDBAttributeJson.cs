using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Amazon.DynamoDBv2.Model;

namespace Cumin.Orleans.DynamoDB;

/// <summary>
/// Converts System.Text.Json output to DynamoDB attribute values and back (object→M, array→L, string→S, number→N,
/// bool→BOOL, null→NULL), measuring the item's size by DynamoDB's rules on the way in.
/// </summary>
/// <remarks>
/// Works on UTF-8 JSON with a reader and a writer rather than on a JSON DOM: the hot path then allocates only the
/// attribute values the request needs. The intermediate JSON is never seen by anyone, so it is written with relaxed
/// escaping and no validation.
/// </remarks>
internal static class DynamoDBAttributeJson
{
    /// <summary>DynamoDB's item size limit: 400 KB.</summary>
    public const int MaxItemSize = 400 * 1024;

    // Every element of a map or list costs one byte beyond its own size, and the map or list itself three.
    private const int ContainerOverhead = 3;
    private const int ElementOverhead = 1;

    private static readonly JsonWriterOptions WriterOptions = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        SkipValidation = true,
    };

    // Serialization is synchronous, so one buffer per thread serves every call without locking.
    [ThreadStatic]
    private static JsonScratch? t_scratch;

    /// <summary>A reusable UTF-8 buffer and writer; <see cref="Rent"/> hands out the calling thread's own.</summary>
    internal sealed class JsonScratch
    {
        private const int KeepAtMost = 1024 * 1024;

        public ArrayBufferWriter<byte> Buffer { get; } = new(4096);

        public Utf8JsonWriter Writer { get; }

        private JsonScratch() => Writer = new Utf8JsonWriter(Buffer, WriterOptions);

        public static JsonScratch Rent()
        {
            var scratch = t_scratch ?? new JsonScratch();
            t_scratch = null;
            scratch.Buffer.ResetWrittenCount();
            scratch.Writer.Reset(scratch.Buffer);
            return scratch;
        }

        public void Return()
        {
            // A huge state should not pin its buffer to the thread for good.
            if (Buffer.Capacity <= KeepAtMost)
            {
                t_scratch = this;
            }
        }
    }

    /// <summary>
    /// Converts one JSON value to an attribute value and adds its size (without any attribute name) to <paramref name="size"/>.
    /// The reader must be positioned on the value's first token; it is left on its last.
    /// </summary>
    public static AttributeValue ReadValue(ref Utf8JsonReader reader, ref long size)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.StartObject:
                {
                    var map = new Dictionary<string, AttributeValue>(StringComparer.Ordinal);
                    size += ContainerOverhead;
                    while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                    {
                        var name = ReadString(ref reader, ref size);
                        reader.Read();
                        map[name] = ReadValue(ref reader, ref size);
                        size += ElementOverhead;
                    }

                    return new AttributeValue { M = map };
                }

            case JsonTokenType.StartArray:
                {
                    var list = new List<AttributeValue>();
                    size += ContainerOverhead;
                    while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                    {
                        list.Add(ReadValue(ref reader, ref size));
                        size += ElementOverhead;
                    }

                    return new AttributeValue { L = list };
                }

            case JsonTokenType.String:
                return new AttributeValue { S = ReadString(ref reader, ref size) };

            case JsonTokenType.Number:
                {
                    // The JSON always comes from one contiguous buffer, so the value is a single span.
                    size += NumberSize(reader.ValueSpan);
                    return new AttributeValue { N = Encoding.UTF8.GetString(reader.ValueSpan) };
                }

            case JsonTokenType.True:
            case JsonTokenType.False:
                size += 1;
                return new AttributeValue { BOOL = reader.TokenType == JsonTokenType.True };

            case JsonTokenType.Null:
                size += 1;
                return new AttributeValue { NULL = true };

            default:
                throw new JsonException($"Unexpected JSON token {reader.TokenType}.");
        }
    }

    /// <summary>Reads a string or property name and adds its UTF-8 length to <paramref name="size"/>.</summary>
    public static string ReadString(ref Utf8JsonReader reader, ref long size)
    {
        var value = reader.GetString()!;
        size += reader.ValueIsEscaped ? Encoding.UTF8.GetByteCount(value) : reader.ValueSpan.Length;
        return value;
    }

    /// <summary>
    /// DynamoDB counts about one byte per two significant digits plus one. Counting every digit, leading and trailing
    /// zeros and the exponent's included, errs on the large side, as a limit check should.
    /// </summary>
    public static int NumberSize(ReadOnlySpan<byte> text)
    {
        var digits = 0;
        foreach (var c in text)
        {
            if (c is >= (byte)'0' and <= (byte)'9')
            {
                digits++;
            }
        }

        return (digits + 1) / 2 + 1;
    }

    /// <summary>The size DynamoDB counts for a string attribute value or attribute name.</summary>
    public static int StringSize(string value) => Encoding.UTF8.GetByteCount(value);

    /// <summary>The size of an attribute value, computed from the value itself (for keys and other provider-written attributes).</summary>
    public static long ValueSize(AttributeValue value)
    {
        if (value.S is { } s)
        {
            return StringSize(s);
        }

        if (value.N is { } n)
        {
            return NumberSize(Encoding.UTF8.GetBytes(n));
        }

        if (value.BOOL is not null || value.NULL is not null)
        {
            return 1;
        }

        if (value.M is { } map)
        {
            long size = ContainerOverhead;
            foreach (var (name, element) in map)
            {
                size += StringSize(name) + ValueSize(element) + ElementOverhead;
            }

            return size;
        }

        if (value.L is { } list)
        {
            long size = ContainerOverhead;
            foreach (var element in list)
            {
                size += ValueSize(element) + ElementOverhead;
            }

            return size;
        }

        if (value.SS is { } strings)
        {
            return strings.Sum(x => (long)StringSize(x));
        }

        if (value.NS is { } numbers)
        {
            return numbers.Sum(x => (long)NumberSize(Encoding.UTF8.GetBytes(x)));
        }

        if (value.B is { } binary)
        {
            return binary.Length;
        }

        return value.BS is { } binaries ? binaries.Sum(x => x.Length) : 0;
    }

    /// <summary>Writes an attribute value as JSON: the inverse of <see cref="ReadValue"/>, plus sets and binaries written by others.</summary>
    public static void WriteValue(Utf8JsonWriter writer, AttributeValue value)
    {
        if (value.S is { } s)
        {
            writer.WriteStringValue(s);
        }
        else if (value.N is { } n)
        {
            writer.WriteRawValue(n);
        }
        else if (value.BOOL is { } b)
        {
            writer.WriteBooleanValue(b);
        }
        else if (value.M is { } map)
        {
            writer.WriteStartObject();
            foreach (var (name, element) in map)
            {
                writer.WritePropertyName(name);
                WriteValue(writer, element);
            }

            writer.WriteEndObject();
        }
        else if (value.L is { } list)
        {
            writer.WriteStartArray();
            foreach (var element in list)
            {
                WriteValue(writer, element);
            }

            writer.WriteEndArray();
        }
        else if (value.SS is { } strings)
        {
            writer.WriteStartArray();
            foreach (var element in strings)
            {
                writer.WriteStringValue(element);
            }

            writer.WriteEndArray();
        }
        else if (value.NS is { } numbers)
        {
            writer.WriteStartArray();
            foreach (var element in numbers)
            {
                writer.WriteRawValue(element);
            }

            writer.WriteEndArray();
        }
        else if (value.B is { } binary)
        {
            writer.WriteBase64StringValue(Bytes(binary));
        }
        else if (value.BS is { } binaries)
        {
            writer.WriteStartArray();
            foreach (var element in binaries)
            {
                writer.WriteBase64StringValue(Bytes(element));
            }

            writer.WriteEndArray();
        }
        else
        {
            // NULL, or a value with nothing set.
            writer.WriteNullValue();
        }
    }

    private static ReadOnlySpan<byte> Bytes(MemoryStream stream) =>
        stream.TryGetBuffer(out var buffer) ? buffer.AsSpan() : stream.ToArray();
}
