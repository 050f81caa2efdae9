using Cumin.Orleans.DynamoDB;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Providers;

[assembly: RegisterProvider(DynamoDBGrainStorageProviderBuilder.ProviderType, "GrainStorage", "Silo", typeof(DynamoDBGrainStorageProviderBuilder))]

namespace Orleans.Hosting;

/// <summary>
/// Lets configuration choose this storage, as it can Orleans's own providers:
/// <c>Orleans:GrainStorage:{name}:ProviderType</c> = <c>CuminDynamoDB</c>, and the rest of that section binds to
/// <see cref="DynamoDBGrainStorageOptions"/> (<c>TablePrefix</c>, <c>ServiceUrl</c>, <c>Region</c>,
/// <c>Tables:{stateName}:TableName</c>, <c>…:SortKeyName</c>, <c>…:StreamViewType</c>, …). What only code can say (a
/// key resolver, client settings) stays with <c>AddDynamoDBGrainStorage</c>, which can be called as well.
/// </summary>
/// <remarks>Not <c>DynamoDB</c>: that name belongs to <c>Microsoft.Orleans.Persistence.DynamoDB</c>, whose items have another shape.</remarks>
internal sealed class DynamoDBGrainStorageProviderBuilder : IProviderBuilder<ISiloBuilder>
{
    public const string ProviderType = "CuminDynamoDB";

    public void Configure(ISiloBuilder builder, string? name, IConfigurationSection configurationSection) =>
        builder.AddDynamoDBGrainStorage(name ?? ProviderConstants.DEFAULT_STORAGE_PROVIDER_NAME, options => options.Bind(configurationSection));
}
