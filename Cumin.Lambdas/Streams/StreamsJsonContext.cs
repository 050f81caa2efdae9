using System.Text.Json.Serialization;

namespace Cumin.Lambdas.Streams;

/// <summary>
/// Source-generated (reflection-free, trimming-safe) JSON for the Lambda event, the batch response and the
/// DynamoDB Streams API. Nulls are left out, as AWS leaves out absent members.
/// </summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(DynamoDbStreamEvent))]
[JsonSerializable(typeof(DynamoDbStreamRecord))]
[JsonSerializable(typeof(StreamsEventResponse))]
[JsonSerializable(typeof(ListStreamsRequest))]
[JsonSerializable(typeof(ListStreamsResponse))]
[JsonSerializable(typeof(DescribeStreamRequest))]
[JsonSerializable(typeof(DescribeStreamResponse))]
[JsonSerializable(typeof(GetShardIteratorRequest))]
[JsonSerializable(typeof(GetShardIteratorResponse))]
[JsonSerializable(typeof(GetRecordsRequest))]
[JsonSerializable(typeof(GetRecordsResponse))]
[JsonSerializable(typeof(StreamsErrorResponse))]
public sealed partial class StreamsJsonContext : JsonSerializerContext;
