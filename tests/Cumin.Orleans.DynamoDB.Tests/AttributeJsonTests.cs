using System.Text;
using System.Text.Json;
using Amazon.DynamoDBv2.Model;

namespace Cumin.Orleans.DynamoDB.Tests;

/// <summary>JSON ⇄ AttributeValue conversion and DynamoDB item-size accounting, without DynamoDB.</summary>
public sealed class AttributeJsonTests
{
    [Fact]
    public void Json_types_map_to_their_DynamoDB_types()
    {
        var value = ToAttribute("""{"s":"text","n":-12.5e3,"t":true,"f":false,"z":null,"l":[1,"a",[]],"m":{"inner":{}}}""", out _);

        var map = value.M;
        Assert.Equal("text", map["s"].S);
        Assert.Equal("-12.5e3", map["n"].N);
        Assert.True(map["t"].BOOL);
        Assert.False(map["f"].BOOL);
        Assert.True(map["z"].NULL);
        Assert.Equal("1", map["l"].L[0].N);
        Assert.Equal("a", map["l"].L[1].S);
        Assert.Empty(map["l"].L[2].L);
        Assert.Empty(map["m"].M["inner"].M);
    }

    [Fact]
    public void Attributes_convert_back_to_the_same_json()
    {
        const string json = """{"s":"caf\u00e9 \"quoted\"","n":42,"d":0.25,"t":true,"z":null,"l":[1,"a",[],{}],"m":{"inner":{"x":[false]}}}""";

        var back = ToJson(ToAttribute(json, out _));

        Assert.True(JsonElement.DeepEquals(JsonDocument.Parse(json).RootElement, JsonDocument.Parse(back).RootElement), back);
    }

    [Fact]
    public void Sets_and_binaries_written_by_others_read_as_json_arrays_and_base64()
    {
        var value = new AttributeValue
        {
            M = new Dictionary<string, AttributeValue>
            {
                ["ss"] = new() { SS = ["a", "b"] },
                ["ns"] = new() { NS = ["1", "2.5"] },
                ["b"] = new() { B = new MemoryStream([1, 2, 3]) },
            },
        };

        var json = JsonDocument.Parse(ToJson(value)).RootElement;

        Assert.Equal(["a", "b"], json.GetProperty("ss").EnumerateArray().Select(x => x.GetString()));
        Assert.Equal([1m, 2.5m], json.GetProperty("ns").EnumerateArray().Select(x => x.GetDecimal()));
        Assert.Equal([1, 2, 3], json.GetProperty("b").GetBytesFromBase64());
    }

    [Theory]
    [InlineData("\"abc\"", 3)]
    [InlineData("\"h\u00e9llo\"", 6)]
    [InlineData("\"a\\\"b\"", 3)]
    [InlineData("\"\\u00e9\"", 2)]
    [InlineData("true", 1)]
    [InlineData("null", 1)]
    [InlineData("7", 2)]
    [InlineData("12345", 4)]
    [InlineData("-1.25", 3)]
    [InlineData("[]", 3)]
    [InlineData("[\"a\",\"b\"]", 7)]
    [InlineData("{\"k\":\"v\"}", 6)]
    [InlineData("{\"list\":[true]}", 13)]
    public void Value_size_follows_DynamoDBs_rules(string json, long expected)
    {
        ToAttribute(json, out var size);

        Assert.Equal(expected, size);
    }

    [Fact]
    public void Computed_size_of_a_value_matches_the_size_measured_while_reading()
    {
        var value = ToAttribute("""{"s":"h\u00e9llo","n":12345,"l":[true,null,"x"],"m":{"k":{"deep":[1,2]}}}""", out var measured);

        Assert.Equal(measured, DynamoDBAttributeJson.ValueSize(value));
    }

    private static AttributeValue ToAttribute(string json, out long size)
    {
        var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(json));
        reader.Read();
        size = 0;
        return DynamoDBAttributeJson.ReadValue(ref reader, ref size);
    }

    private static string ToJson(AttributeValue value)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            DynamoDBAttributeJson.WriteValue(writer, value);
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }
}
