using Amazon.DynamoDBv2;
using Cumin.Orleans.DynamoDB.Tests.Grains;
using Cumin.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Hosting;
using Orleans.Runtime;
using Orleans.Storage;

namespace Cumin.Orleans.DynamoDB.Tests;

/// <summary>The provider chosen and configured by configuration alone, the way Orleans's own providers can be.</summary>
public sealed class ConfigurationTests
{
    [Fact]
    public async Task Storage_named_in_configuration_creates_its_tables_and_stores_state_as_configured()
    {
        var prefix = LocalStack.UniquePrefix("configured");
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Orleans:GrainStorage:configured:ProviderType"] = "CuminDynamoDB",
            ["Orleans:GrainStorage:configured:TablePrefix"] = prefix,
            ["Orleans:GrainStorage:configured:ServiceUrl"] = LocalStack.DynamoDbEndpoint,
            ["Orleans:GrainStorage:configured:Region"] = "us-east-1",
            ["Orleans:GrainStorage:configured:Tables:profile:TableName"] = "profiles",
            ["Orleans:GrainStorage:configured:Tables:profile:StreamViewType"] = "NEW_IMAGE",
        });
        builder.UseOrleans(silo => silo.UseLocalhostClustering(siloPort: FreePort.Next(), gatewayPort: FreePort.Next()));
        using var host = builder.Build();
        await host.StartAsync();
        using var dynamoDb = LocalStack.DynamoDb();
        try
        {
            var storage = host.Services.GetRequiredKeyedService<IGrainStorage>("configured");
            var grainId = GrainId.Create("profile", Guid.NewGuid().ToString("N"));
            await storage.WriteStateAsync("profile", grainId, new GrainState<ProfileRecord>(new ProfileRecord { DisplayName = "Ada", Logins = 3 }));

            var table = (await dynamoDb.DescribeTableAsync(prefix + "profiles")).Table;
            var item = (await dynamoDb.GetItemAsync(prefix + "profiles", new() { ["pk"] = new() { S = grainId.Key.ToString() } }, consistentRead: true)).Item;
            Assert.Equal(StreamViewType.NEW_IMAGE, table.StreamSpecification.StreamViewType);
            Assert.Equal("Ada", item["displayName"].S);
            Assert.Equal("3", item["logins"].N);
            Assert.Equal("1", item["etag"].N);
        }
        finally
        {
            await host.StopAsync();
        }
    }
}
