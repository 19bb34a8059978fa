// sample-host/app/contract_api.h — the host's contract API (SPEC §6 "Attestations"), token routes
// of owner "host":
//   GET  /api/v1/products                      clients:read   clients.read
//   POST /api/v1/products                      clients:write  clients.write  {"code","name"}
//   GET  /api/v1/clients/{id}/contracts        clients:read   clients.read
//   POST /api/v1/clients/{id}/contracts        clients:write  clients.write
//   GET  /api/v1/contracts/{id}                clients:read   clients.read  (receipts,
//   beneficiaries) POST /api/v1/contracts/{id}/receipts       clients:write  clients.write POST
//   /api/v1/contracts/{id}/beneficiaries  clients:write  clients.write
#pragma once

#include <string>

#include "host-api/contracts.h"
#include "host-api/registrar.h"
#include "host-api/status.h"
#include "sample-host/app/contract_store.h"

namespace host {

// A contract as the API's JSON (serialised); with receipts and beneficiaries for a detail.
std::string ContractToJson(const crm::ContractDetail& contract);

crm::Status RegisterContractApi(crm::Registrar& registrar, ContractStore& contracts);

}  // namespace host
