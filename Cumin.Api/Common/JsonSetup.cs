using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Cumin.Api.Common;

internal static class JsonSetup
{
    /// <summary>API.md's JSON: camelCase, enums as lower snake_case strings only, timestamps as UTC with milliseconds and Z,
    /// and unknown members refused rather than silently dropped.</summary>
    public static void Configure(JsonSerializerOptions options)
    {
        options.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
        options.Converters.Add(new ExactEnumConverterFactory());
        options.Converters.Add(new UtcTimestampConverter());
        options.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow;
        options.NumberHandling = JsonNumberHandling.Strict;
    }

    /// <summary>
    /// Enums as lower snake_case strings, read exactly: System.Text.Json's own converter would also take
    /// <c>InProgress</c>, <c>INPROGRESS</c> or <c>1</c>, which API.md does not allow.
    /// </summary>
    private sealed class ExactEnumConverterFactory : JsonConverterFactory
    {
        public override bool CanConvert(Type typeToConvert) => typeToConvert.IsEnum;

        public override JsonConverter CreateConverter(Type typeToConvert, JsonSerializerOptions options) =>
            (JsonConverter)Activator.CreateInstance(typeof(ExactEnumConverter<>).MakeGenericType(typeToConvert))!;
    }

    private sealed class ExactEnumConverter<T> : JsonConverter<T>
        where T : struct, Enum
    {
        private static readonly Dictionary<string, T> ByName =
            Enum.GetValues<T>().ToDictionary(value => JsonNamingPolicy.SnakeCaseLower.ConvertName(value.ToString()), StringComparer.Ordinal);

        private static readonly Dictionary<T, JsonEncodedText> Names =
            ByName.ToDictionary(pair => pair.Value, pair => JsonEncodedText.Encode(pair.Key));

        public override T Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            reader.TokenType == JsonTokenType.String && ByName.TryGetValue(reader.GetString()!, out var value)
                ? value
                : throw new JsonException($"expected one of: {string.Join(", ", ByName.Keys)}");

        public override void Write(Utf8JsonWriter writer, T value, JsonSerializerOptions options) =>
            writer.WriteStringValue(Names[value]);
    }

    private sealed class UtcTimestampConverter : JsonConverter<DateTimeOffset>
    {
        public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            reader.GetDateTimeOffset();

        public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) =>
            writer.WriteStringValue(value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
    }
}
