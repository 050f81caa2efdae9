using System.Text.Json.Serialization;

namespace Cumin.Lambdas.Streams;

/// <summary>
/// Source-generated (reflection-free, trimming-safe) JSON for the Lambda event and the batch response. Nulls are left
/// out, as AWS leaves out absent members.
/// </summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(DynamoDbStreamEvent))]
[JsonSerializable(typeof(DynamoDbStreamRecord))]
[JsonSerializable(typeof(StreamsEventResponse))]
public sealed partial class StreamsJsonContext : JsonSerializerContext;
