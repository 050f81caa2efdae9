using System.Text.Json;
using System.Text.Json.Serialization;
using Cumin.Exports;
using Cumin.Projects;
using Cumin.Tasks;

namespace Cumin.Primitives;

/// <summary>
/// The wire name of every value of Cumin's enumerations, taken from Cumin.Contracts' lists (the one place they are
/// spelled, shared with the Lambdas). The API's JSON and the grain storage's items both go through
/// <see cref="WireNameJsonConverterFactory"/>, so an enumeration value has one name everywhere.
/// </summary>
public static class WireNames
{
    public static string Of<T>(T value)
        where T : struct, Enum => Table<T>.Names[Table<T>.Index(value)];

    public static bool TryParse<T>(string? name, out T value)
        where T : struct, Enum
    {
        if (name is not null && Table<T>.Values.TryGetValue(name, out value))
        {
            return true;
        }

        value = default;
        return false;
    }

    /// <summary>Every name of <typeparamref name="T"/>, in the order of its values.</summary>
    public static IReadOnlyList<string> All<T>()
        where T : struct, Enum => Table<T>.Names;

    /// <summary>Every wire name of the enumeration <paramref name="enumType"/>, in the order of its values.</summary>
    public static IReadOnlyList<string> AllOf(Type enumType)
    {
        ArgumentNullException.ThrowIfNull(enumType);
        return NamesOf(enumType)
            ?? [.. Enum.GetNames(enumType).Select(name => JsonNamingPolicy.SnakeCaseLower.ConvertName(name))];
    }

    /// <summary>The names of an enumeration of the contract, or null for any other enumeration.</summary>
    internal static IReadOnlyList<string>? NamesOf(Type type) =>
        type == typeof(TaskItemStatus) ? TaskStatusNames.All
        : type == typeof(TaskPriority) ? TaskPriorityNames.All
        : type == typeof(ProjectRole) ? ProjectRoleNames.All
        : type == typeof(ExportStatus) ? ExportStatusNames.All
        : null;

    private static class Table<T>
        where T : struct, Enum
    {
        public static readonly IReadOnlyList<string> Names = Build(out Values);

        public static readonly Dictionary<string, T> Values;

        public static int Index(T value) => System.Runtime.CompilerServices.Unsafe.As<T, int>(ref value);

        private static IReadOnlyList<string> Build(out Dictionary<string, T> values)
        {
            if (Enum.GetUnderlyingType(typeof(T)) != typeof(int))
            {
                throw new InvalidOperationException($"{typeof(T)} must be an int enumeration.");
            }

            var enumValues = Enum.GetValues<T>();
            var names = NamesOf(typeof(T))
                ?? enumValues.Select(v => JsonNamingPolicy.SnakeCaseLower.ConvertName(v.ToString())).ToList();
            if (names.Count != enumValues.Length || enumValues.Where((v, i) => Index(v) != i).Any())
            {
                throw new InvalidOperationException($"{typeof(T)} must have the values 0..{names.Count - 1}, one per wire name.");
            }

            values = enumValues.ToDictionary(v => names[Index(v)], StringComparer.Ordinal);
            return names;
        }
    }
}

/// <summary>
/// Enumerations as their wire names, read exactly: System.Text.Json's own converter would also take <c>InProgress</c>,
/// <c>INPROGRESS</c> or <c>1</c>, which API.md does not allow. Enumerations outside the contract get lower snake_case.
/// </summary>
public sealed class WireNameJsonConverterFactory : JsonConverterFactory
{
    public override bool CanConvert(Type typeToConvert) => typeToConvert.IsEnum;

    public override JsonConverter CreateConverter(Type typeToConvert, JsonSerializerOptions options) =>
        (JsonConverter)Activator.CreateInstance(typeof(Converter<>).MakeGenericType(typeToConvert))!;

    private sealed class Converter<T> : JsonConverter<T>
        where T : struct, Enum
    {
        private static readonly JsonEncodedText[] Encoded = [.. WireNames.All<T>().Select(name => JsonEncodedText.Encode(name))];

        public override T Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            reader.TokenType == JsonTokenType.String && WireNames.TryParse<T>(reader.GetString(), out var value)
                ? value
                : throw new JsonException($"expected one of: {string.Join(", ", WireNames.All<T>())}");

        public override void Write(Utf8JsonWriter writer, T value, JsonSerializerOptions options)
        {
            var index = System.Runtime.CompilerServices.Unsafe.As<T, int>(ref value);
            writer.WriteStringValue((uint)index < (uint)Encoded.Length ? Encoded[index] : throw new JsonException($"{value} is not a value of {typeof(T)}"));
        }
    }
}
