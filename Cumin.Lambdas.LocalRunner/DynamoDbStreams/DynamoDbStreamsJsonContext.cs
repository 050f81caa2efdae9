using System.Text.Json.Serialization;

namespace Cumin.Lambdas.LocalRunner.DynamoDbStreams;

/// <summary>Source-generated JSON for the DynamoDB Streams API; nulls are left out, as AWS leaves out absent members.</summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ListStreamsRequest))]
[JsonSerializable(typeof(ListStreamsResponse))]
[JsonSerializable(typeof(DescribeStreamRequest))]
[JsonSerializable(typeof(DescribeStreamResponse))]
[JsonSerializable(typeof(GetShardIteratorRequest))]
[JsonSerializable(typeof(GetShardIteratorResponse))]
[JsonSerializable(typeof(GetRecordsRequest))]
[JsonSerializable(typeof(GetRecordsResponse))]
[JsonSerializable(typeof(StreamsErrorResponse))]
internal sealed partial class DynamoDbStreamsJsonContext : JsonSerializerContext;
