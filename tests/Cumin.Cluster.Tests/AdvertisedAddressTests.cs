using System.Net;
using System.Text;
using Cumin.Clustering;
using Cumin.Testing;

namespace Cumin.Cluster.Tests;

public sealed class AdvertisedAddressTests
{
    private static readonly Func<string, string?> NoEnvironment = _ => null;

    [Fact]
    public void Without_a_setting_or_ECS_a_silo_advertises_loopback()
    {
        using var http = new HttpClient();
        Assert.Equal(IPAddress.Loopback, AdvertisedAddress.Resolve(null, NoEnvironment, http));
    }

    [Fact]
    public void A_configured_address_is_used_as_it_is()
    {
        using var http = new HttpClient();
        Assert.Equal(IPAddress.Parse("10.1.2.3"), AdvertisedAddress.Resolve("10.1.2.3", NoEnvironment, http));
    }

    [Fact]
    public void A_value_that_is_no_address_nor_a_known_word_is_refused()
    {
        using var http = new HttpClient();
        Assert.Throws<InvalidOperationException>(() => AdvertisedAddress.Resolve("the-silo", NoEnvironment, http));
    }

    [Fact]
    public async Task On_ECS_the_task_address_comes_from_the_container_metadata_endpoint()
    {
        // A stand-in for the ECS agent's endpoint on loopback, answering with container metadata as Fargate does.
        var port = FreePort.Next();
        using var listener = new HttpListener();
        listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        listener.Start();
        var serving = Task.Run(async () =>
        {
            var context = await listener.GetContextAsync();
            var body = Encoding.UTF8.GetBytes("""
                {"DockerId":"ea32192c8553fbff06c9340478a2ff089b2bb5646fb718b4ee206641c9086d66","Name":"silo",
                 "Networks":[{"NetworkMode":"awsvpc","IPv4Addresses":["10.0.2.106"],"AttachmentIndex":0,
                 "MACAddress":"0e:9e:32:c7:48:85","IPv4SubnetCIDRBlock":"10.0.2.0/24","PrivateDNSName":"ip-10-0-2-106.us-west-2.compute.internal"}]}
                """);
            context.Response.ContentType = "application/json";
            await context.Response.OutputStream.WriteAsync(body);
            context.Response.Close();
            return context.Request.Url!.AbsolutePath;
        });
        var endpoint = $"http://127.0.0.1:{port}/v4/ea32192c8553fbff06c9340478a2ff089b2bb5646fb718b4ee206641c9086d66";
        using var http = new HttpClient();

        var address = AdvertisedAddress.Resolve(null, name => name == ClusteringOptions.EcsMetadataVariable ? endpoint : null, http);

        Assert.Equal(IPAddress.Parse("10.0.2.106"), address);
        Assert.Equal("/v4/ea32192c8553fbff06c9340478a2ff089b2bb5646fb718b4ee206641c9086d66", await serving);
    }
}
