using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Cumin.Common;

namespace Cumin.Api.Common;

internal static class JsonSetup
{
    /// <summary>API.md's JSON: camelCase, enums as their wire names only (read exactly), timestamps as UTC with milliseconds and Z,
    /// and unknown members refused rather than silently dropped.</summary>
    public static void Configure(JsonSerializerOptions options)
    {
        options.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
        options.Converters.Add(new WireNameJsonConverterFactory());
        options.Converters.Add(new UtcTimestampConverter());
        options.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow;
        options.NumberHandling = JsonNumberHandling.Strict;
    }

    private sealed class UtcTimestampConverter : JsonConverter<DateTimeOffset>
    {
        public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            reader.GetDateTimeOffset();

        public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) =>
            writer.WriteStringValue(value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
    }
}
