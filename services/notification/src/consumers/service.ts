/** The service name: durable consumers are `notification--<subject>`, inbox rows use them. */
export const SERVICE = "notification";
