using Amazon.SQS.Model;
using Orleans.Runtime;

namespace Cumin.Orleans.Sqs.Tests;

public sealed class JsonSqsMessageMapperTests
{
    private static readonly JsonSqsMessageMapper<ExportNotification> Mapper = new("user-notifications", "userId");

    private static Message Body(string body) => new() { MessageId = "m1", Body = body };

    [Fact]
    public void Exporter_body_maps_to_the_users_stream_and_the_event()
    {
        var mapped = Mapper.Map(Body("""
            {"type":"export.completed","userId":"u1","exportId":"e1","projectId":"p1","url":"https://x/y.csv",
             "urlExpiresAt":"2026-03-01T12:00:00Z","taskCount":3,"error":null,"extra":"ignored"}
            """));

        Assert.NotNull(mapped);
        Assert.Equal(StreamId.Create("user-notifications", "u1"), mapped.StreamId);
        Assert.Equal(
            new ExportNotification("export.completed", "u1", "e1", "p1", "https://x/y.csv", new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero), 3, null),
            Assert.Single(mapped.Events));
    }

    [Fact]
    public void Key_property_is_found_ignoring_case_and_may_be_a_number()
    {
        var mapper = new JsonSqsMessageMapper<ExportNotification>("user-notifications", "UserKey");

        var mapped = mapper.Map(Body("""{"type":"t","userId":"u1","exportId":"e","projectId":"p","userkey":42}"""));

        Assert.Equal(StreamId.Create("user-notifications", "42"), mapped?.StreamId);
    }

    [Theory]
    [InlineData("{ not json")]
    [InlineData("[1,2]")]
    [InlineData("""{"type":"export.completed","exportId":"e1"}""")]
    [InlineData("""{"type":"export.completed","userId":"","exportId":"e1"}""")]
    [InlineData("""{"type":"export.completed","userId":{"id":1},"exportId":"e1"}""")]
    public void Unreadable_body_throws(string body)
    {
        Assert.ThrowsAny<Exception>(() => Mapper.Map(Body(body)));
    }

    [Fact]
    public void Filtered_out_message_is_left_to_the_next_mapper()
    {
        var mapper = new JsonSqsMessageMapper<ExportNotification>(
            "user-notifications", "userId", accepts: body => body.GetProperty("type").GetString()!.StartsWith("export.", StringComparison.Ordinal));

        Assert.Null(mapper.Map(Body("""{"type":"invoice.paid","userId":"u1"}""")));
        Assert.NotNull(mapper.Map(Body("""{"type":"export.failed","userId":"u1","exportId":"e","projectId":"p"}""")));
    }
}
