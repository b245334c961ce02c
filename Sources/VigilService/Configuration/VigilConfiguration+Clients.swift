import VigilNATS
import VigilPostgres

extension VigilConfiguration.Database {
    /// libpq settings from `database.url`: a `postgres://` / `postgresql://` URL or a conninfo string.
    func postgresConfiguration(applicationName: String) throws -> PostgresConfiguration {
        var configuration = url.hasPrefix("postgres://") || url.hasPrefix("postgresql://")
            ? try PostgresConfiguration(url: url)
            : PostgresConfiguration(conninfo: url)
        configuration.applicationName = applicationName
        configuration.poolSize = poolSize
        return configuration
    }
}

extension VigilConfiguration.NATS {
    /// cnats options for one connection of this instance; `role` names it on the server.
    func connectionOptions(instanceID: String, role: String, sendAsap: Bool = false) -> NATSConfiguration {
        var options = NATSConfiguration(url: url)
        options.name = "\(instanceID)-\(role)"
        options.user = user
        options.password = password
        options.token = token
        options.credentialsFile = credentialsFile
        if tlsCAFile != nil || tlsCertFile != nil {
            options.tls = .init(caFile: tlsCAFile, certFile: tlsCertFile, keyFile: tlsKeyFile)
        }
        options.maxReconnect = maxReconnect
        options.reconnectWait = .milliseconds(Int64(reconnectWait * 1000))
        options.sendAsap = sendAsap
        return options
    }
}
