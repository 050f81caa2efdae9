using System.Text.Json.Nodes;
using Cumin.Primitives;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Cumin.Api.Http;

/// <summary>
/// Describes in the OpenAPI document what JsonSetup's own converters write, which the generator cannot see: enums as
/// their wire names, timestamps as date-time strings, a PATCH member (<see cref="Optional{T}"/>) as its value. Clients
/// generate their types from the document (Cumin.Web does), so without this every enum and timestamp would be an
/// untyped value there, and every PATCH member an object.
/// </summary>
internal static class OpenApiJsonSchemas
{
    public static async Task Describe(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        var type = context.JsonTypeInfo.Type;
        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(Optional<>))
        {
            // Left out to leave the field as it is, given (null included) to set it: its schema is its value's, nullable.
            var inner = await context.GetOrCreateSchemaAsync(type.GetGenericArguments()[0], null, cancellationToken);
            schema.Type = (inner.Type ?? JsonSchemaType.String) | JsonSchemaType.Null;
            schema.Format = inner.Format;
            schema.Items = inner.Items;
            schema.Enum = inner.Enum;
            schema.Pattern = inner.Pattern;
            schema.MinLength = inner.MinLength;
            schema.MaxLength = inner.MaxLength;
            schema.Properties = null;
            schema.Required = null;
            return;
        }

        var nullable = Nullable.GetUnderlyingType(type) is not null;
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type.IsEnum)
        {
            schema.Type = nullable ? JsonSchemaType.String | JsonSchemaType.Null : JsonSchemaType.String;
            schema.Enum = [.. WireNames.AllOf(type).Select(name => (JsonNode)JsonValue.Create(name))];
        }
        else if (type == typeof(DateTimeOffset))
        {
            schema.Type = nullable ? JsonSchemaType.String | JsonSchemaType.Null : JsonSchemaType.String;
            schema.Format = "date-time";
        }
    }
}
