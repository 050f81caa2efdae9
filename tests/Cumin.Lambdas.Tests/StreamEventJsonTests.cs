using System.Text.Json;
using System.Text.Json.Nodes;
using Cumin.Lambdas.Streams;

namespace Cumin.Lambdas.Tests;

public sealed class StreamEventJsonTests
{
    // The sample DynamoDB Streams event of AWS's documentation (Lambda developer guide / `sam local generate-event
    // dynamodb update`), including the TTL userIdentity member.
    private const string AwsSampleEvent = """
        {
          "Records": [
            {
              "eventID": "c4ca4238a0b923820dcc509a6f75849b",
              "eventName": "INSERT",
              "eventVersion": "1.1",
              "eventSource": "aws:dynamodb",
              "awsRegion": "eu-central-1",
              "dynamodb": {
                "Keys": { "Id": { "N": "101" } },
                "NewImage": { "Message": { "S": "New item!" }, "Id": { "N": "101" } },
                "ApproximateCreationDateTime": 1428537600,
                "SequenceNumber": "4421584500000000017450439091",
                "SizeBytes": 26,
                "StreamViewType": "NEW_AND_OLD_IMAGES"
              },
              "eventSourceARN": "arn:aws:dynamodb:eu-central-1:123456789012:table/ExampleTableWithStream/stream/2015-06-27T00:48:05.899",
              "userIdentity": { "principalId": "dynamodb.amazonaws.com", "type": "Service" }
            },
            {
              "eventID": "c81e728d9d4c2f636f067f89cc14862c",
              "eventName": "MODIFY",
              "eventVersion": "1.1",
              "eventSource": "aws:dynamodb",
              "awsRegion": "eu-central-1",
              "dynamodb": {
                "Keys": { "Id": { "N": "101" } },
                "NewImage": { "Message": { "S": "This item has changed" }, "Id": { "N": "101" } },
                "OldImage": { "Message": { "S": "New item!" }, "Id": { "N": "101" } },
                "ApproximateCreationDateTime": 1428537600,
                "SequenceNumber": "4421584500000000017450439092",
                "SizeBytes": 59,
                "StreamViewType": "NEW_AND_OLD_IMAGES"
              },
              "eventSourceARN": "arn:aws:dynamodb:eu-central-1:123456789012:table/ExampleTableWithStream/stream/2015-06-27T00:48:05.899"
            },
            {
              "eventID": "eccbc87e4b5ce2fe28308fd9f2a7baf3",
              "eventName": "REMOVE",
              "eventVersion": "1.1",
              "eventSource": "aws:dynamodb",
              "awsRegion": "eu-central-1",
              "dynamodb": {
                "Keys": { "Id": { "N": "101" } },
                "OldImage": { "Message": { "S": "This item has changed" }, "Id": { "N": "101" } },
                "ApproximateCreationDateTime": 1428537600,
                "SequenceNumber": "4421584500000000017450439093",
                "SizeBytes": 38,
                "StreamViewType": "NEW_AND_OLD_IMAGES"
              },
              "eventSourceARN": "arn:aws:dynamodb:eu-central-1:123456789012:table/ExampleTableWithStream/stream/2015-06-27T00:48:05.899"
            }
          ]
        }
        """;

    [Fact]
    public void AWS_sample_event_round_trips_to_the_same_JSON()
    {
        var parsed = JsonSerializer.Deserialize(AwsSampleEvent, StreamsJsonContext.Default.DynamoDbStreamEvent)!;
        var written = JsonSerializer.Serialize(parsed, StreamsJsonContext.Default.DynamoDbStreamEvent);

        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(AwsSampleEvent), JsonNode.Parse(written)), written);
    }

    [Fact]
    public void AWS_sample_event_reads_into_typed_members()
    {
        var parsed = JsonSerializer.Deserialize(AwsSampleEvent, StreamsJsonContext.Default.DynamoDbStreamEvent)!;

        Assert.Equal(3, parsed.Records.Count);
        var modify = parsed.Records[1];
        Assert.Equal(StreamEventNames.Modify, modify.EventName);
        Assert.Equal("aws:dynamodb", modify.EventSource);
        Assert.Equal("ExampleTableWithStream", modify.TableName());
        Assert.Equal("4421584500000000017450439092", modify.Dynamodb!.SequenceNumber);
        Assert.Equal(1428537600d, modify.Dynamodb.ApproximateCreationDateTime);
        Assert.Equal(59, modify.Dynamodb.SizeBytes);
        Assert.Equal("101", modify.Dynamodb.Keys!["Id"].N);
        Assert.Equal("New item!", modify.Dynamodb.OldImage!["Message"].S);
        Assert.Equal("This item has changed", modify.Dynamodb.NewImage!["Message"].S);
        Assert.Equal("Service", parsed.Records[0].UserIdentity!.Type);
        Assert.Null(parsed.Records[2].Dynamodb!.NewImage);
    }

    [Fact]
    public void Every_attribute_value_type_round_trips()
    {
        const string image = """
            {
              "s": { "S": "text" },
              "n": { "N": "123456789012345678901234567890.5" },
              "b": { "B": "AAEC/w==" },
              "ss": { "SS": ["a", "b"] },
              "ns": { "NS": ["1", "2.5"] },
              "bs": { "BS": ["AA==", "AQ=="] },
              "m": { "M": { "inner": { "L": [ { "S": "x" }, { "NULL": true }, { "BOOL": false } ] } } },
              "l": { "L": [] },
              "null": { "NULL": true },
              "bool": { "BOOL": true }
            }
            """;
        var json = """{"Records":[{"eventName":"INSERT","dynamodb":{"NewImage":""" + image + ""","SequenceNumber":"1"}}]}""";

        var parsed = JsonSerializer.Deserialize(json, StreamsJsonContext.Default.DynamoDbStreamEvent)!;
        var written = JsonSerializer.Serialize(parsed, StreamsJsonContext.Default.DynamoDbStreamEvent);

        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(json), JsonNode.Parse(written)), written);
        var values = parsed.Records[0].Dynamodb!.NewImage!;
        Assert.Equal("x", values["m"].M!["inner"].L![0].S);
        Assert.True(values["m"].M!["inner"].L![1].Null);
        Assert.False(values["m"].M!["inner"].L![2].Bool);
        Assert.Equal(["1", "2.5"], values["ns"].NS!);
    }

    [Fact]
    public void Batch_item_failures_response_has_the_ReportBatchItemFailures_shape()
    {
        var response = new StreamsEventResponse { BatchItemFailures = [new BatchItemFailure { ItemIdentifier = "4421584500000000017450439092" }] };

        var written = JsonSerializer.Serialize(response, StreamsJsonContext.Default.StreamsEventResponse);

        Assert.Equal("""{"batchItemFailures":[{"itemIdentifier":"4421584500000000017450439092"}]}""", written);
        Assert.Equal("""{"batchItemFailures":[]}""", JsonSerializer.Serialize(new StreamsEventResponse(), StreamsJsonContext.Default.StreamsEventResponse));
    }

    [Theory]
    [InlineData("arn:aws:dynamodb:us-east-1:123456789012:table/cumin-tasks/stream/2026-01-01T00:00:00.000", "cumin-tasks")]
    [InlineData("arn:aws:dynamodb:ddblocal:000000000000:table/t1-tasks/stream/2026-11-24T19:05:14.998", "t1-tasks")]
    [InlineData("arn:aws:sqs:us-east-1:123456789012:queue", null)]
    [InlineData(null, null)]
    public void Table_name_comes_from_the_stream_ARN(string? arn, string? table) =>
        Assert.Equal(table, new DynamoDbStreamRecord { EventSourceArn = arn }.TableName());

    [Theory]
    [InlineData("9", "10")]
    [InlineData("000000000000000000009", "10")]
    [InlineData("4421584500000000017450439091", "4421584500000000017450439092")]
    [InlineData("9999999999999999999999999999999999999998", "9999999999999999999999999999999999999999")]
    public void Sequence_numbers_compare_as_numbers(string lower, string higher)
    {
        Assert.True(StreamSequenceNumber.TryParse(lower, out var a));
        Assert.True(StreamSequenceNumber.TryParse(higher, out var b));
        Assert.True(a < b);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("-1")]
    [InlineData("12a")]
    [InlineData("99999999999999999999999999999999999999999")]
    public void Invalid_sequence_numbers_are_rejected(string? text) => Assert.False(StreamSequenceNumber.TryParse(text, out _));
}
