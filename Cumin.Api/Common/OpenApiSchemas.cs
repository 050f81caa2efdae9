using Cumin.Common;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Cumin.Api.Common;

/// <summary>Corrections to the OpenAPI document's schemas, where the JSON differs from the .NET shape.</summary>
internal static class OpenApiSchemas
{
    /// <summary>
    /// An <see cref="Optional{T}"/> member travels as its value, null included (it is left out to leave the field as it
    /// is): its schema is T's, nullable, so clients generated from the document send the JSON API.md describes.
    /// </summary>
    public static async Task DescribeOptionalAsync(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        var type = context.JsonTypeInfo.Type;
        if (!type.IsGenericType || type.GetGenericTypeDefinition() != typeof(Optional<>))
        {
            return;
        }

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
    }
}
