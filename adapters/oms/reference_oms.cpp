#include "reference_oms.hpp"

#include <algorithm>

#include "cimbus/codec/error_code.hpp"
#include "cimbus/runtime/rejection.hpp"
#include "cimbus/codec/timestamp.hpp"
#include "cimbus/codec/uuid.hpp"
#include "records.hpp"

namespace cimbus::oms {

namespace {

using adapter::Rejection;
using reference::ObjectState;
using reference::Records;
using reference::object_state_or_throw;
using reference::text_of;
using Status = work::maintenance_orders::WorkStatusKind;
using IncidentWorkStatus = customer::incidents::WorkStatusKind;

const std::vector<ObjectState> kIncidentEnded = {ObjectState::closed};

std::string at(long long ms_from_now) {
  return format_timestamp(std::chrono::system_clock::now() + std::chrono::milliseconds(ms_from_now));
}

void set_status(customer::trouble_tickets::Status* status, ObjectState state) {
  status->set_value(std::string(text_of(state)));
  status->set_date_time(now_timestamp());
}

void set_status(customer::incidents::Status* status, ObjectState state) {
  status->set_value(std::string(text_of(state)));
  status->set_date_time(now_timestamp());
}

TroubleTicket existing_ticket(const Records& records, const std::string& mrid, ObjectState* state) {
  auto r = records.get("TroubleTickets", mrid);
  if (!r) throw Rejection(code::kInvalidRequestIds, "no trouble ticket " + mrid + " at the OMS");
  *state = r->state;
  return r->as<TroubleTicket>();
}

}  // namespace

ReferenceOms::ReferenceOms(const std::map<std::string, std::string>& settings)
    : territory_(reference::TerritoryOptions::from_settings(settings)),
      etr_initial_ms_(reference::setting(settings, "etr_initial_ms", 20000)),
      repair_ms_(reference::setting(settings, "repair_ms", 3000)),
      fail_on_comment_(settings.count("fail_on_comment") ? settings.at("fail_on_comment") : std::string()) {}

void ReferenceOms::prepare(store::Transaction& tx) { Records::prepare(tx); }

OmsBackend::Grouped ReferenceOms::take_ticket(store::Transaction& tx, const TroubleTicket& reported) {
  Records records(tx);
  if (reported.m_rid().empty()) throw Rejection(code::kPayloadElementsMissing, "a trouble ticket without mRID");
  if (!fail_on_comment_.empty() && reported.comment().find(fail_on_comment_) != std::string::npos)
    throw std::runtime_error("test switch fail_on_comment: ticket " + reported.m_rid() + " fails on purpose");
  const std::optional<reference::Site> site = territory_.by_customer(reported.customer().m_rid());
  if (!site) throw Rejection(code::kInvalidCustomers, "unknown customer '" + reported.customer().m_rid() + "' on ticket " + reported.m_rid());
  if (records.get("TroubleTickets", reported.m_rid()))
    throw Rejection(code::kCanceledPerBusinessRule, "trouble ticket " + reported.m_rid() + " exists already; change it instead");

  Grouped g;
  const std::string transformer = territory_.transformer_name(site->transformer);
  auto open = records.open_with_key("Incidents", transformer, kIncidentEnded);
  if (!open.empty()) {
    g.incident = open.front().as<Incident>();
  } else {
    g.new_incident = true;
    g.incident.set_m_rid(new_uuid());
    g.incident.set_cause("fault on " + transformer + " (" + territory_.feeder_name(site->feeder) + ")");
    g.incident.set_created_date_time(now_timestamp());
    g.incident.add_names()->set_name("INC " + transformer);
    auto* outage = g.incident.mutable_outage();
    outage->set_m_rid(new_uuid());
    outage->set_cause("unplanned");
    outage->set_is_planned(false);
    outage->mutable_actual_period()->set_start(reported.date_time_of_report().empty() ? now_timestamp() : reported.date_time_of_report());
    outage->mutable_estimated_period()->set_end(at(etr_initial_ms_));
    // The outage's scope is the transformer: its customers are out, the life-support ones critical.
    int total = 0, critical = 0;
    for (const reference::Site& out : territory_.sites_of_transformer(site->transformer)) {
      ++total;
      critical += out.life_support ? 1 : 0;
    }
    outage->mutable_summary()->set_total_count(total);
    outage->mutable_summary()->set_critical_count(critical);
    set_status(g.incident.mutable_status(), ObjectState::open);

    MaintenanceOrder order;
    order.set_m_rid(new_uuid());
    order.add_names()->set_name("Restore " + transformer + " for " + g.incident.m_rid());
    auto* work = order.add_work();
    work->set_m_rid(new_uuid());
    work->set_kind(work::maintenance_orders::WorkKind::repair);
    work->set_request_date_time(now_timestamp());
    work->set_status_kind(Status::waitingToBeScheduled);
    work->mutable_priority()->set_rank(1);
    work->mutable_priority()->set_type("outage");
    auto* task = work->add_work_tasks();
    task->set_m_rid(new_uuid());
    task->set_subject("Restore supply from " + transformer);
    task->set_task_kind(work::maintenance_orders::WorkTaskKind::investigate);
    task->set_status_kind(Status::waitingToBeScheduled);
    auto* ref = g.incident.add_works();
    ref->set_m_rid(work->m_rid());
    ref->set_kind(customer::incidents::WorkKind::repair);
    ref->set_status_kind(IncidentWorkStatus::waitingToBeScheduled);
    ref->add_work_tasks()->set_m_rid(task->m_rid());
    records.put("MaintenanceOrders", order.m_rid(), ObjectState::requested, order, g.incident.m_rid());
    g.crew_work = std::move(order);
  }
  g.incident.add_trouble_tickets()->set_m_rid(reported.m_rid());
  records.put("Incidents", g.incident.m_rid(), object_state_or_throw(g.incident.status().value()), g.incident, transformer);

  g.ticket = reported;
  g.ticket.mutable_incident()->set_m_rid(g.incident.m_rid());
  if (g.ticket.created_date_time().empty()) g.ticket.set_created_date_time(now_timestamp());
  set_status(g.ticket.mutable_status(), ObjectState::assigned);
  records.put("TroubleTickets", g.ticket.m_rid(), ObjectState::assigned, g.ticket, site->customer);
  return g;
}

TroubleTicket ReferenceOms::change_ticket(store::Transaction& tx, const TroubleTicket& changed) {
  Records records(tx);
  ObjectState state;
  TroubleTicket ticket = existing_ticket(records, changed.m_rid(), &state);
  if (state == ObjectState::closed || state == ObjectState::canceled)
    throw Rejection(code::kCanceledPerBusinessRule, "trouble ticket " + changed.m_rid() + " is " + std::string(text_of(state)) + " and cannot change");
  // What the change names replaces what was there; the OMS keeps the incident link and status.
  TroubleTicket merged = ticket;
  merged.MergeFrom(changed);
  *merged.mutable_incident() = ticket.incident();
  *merged.mutable_status() = ticket.status();
  records.put("TroubleTickets", merged.m_rid(), state, merged);
  return merged;
}

std::pair<TroubleTicket, std::optional<Incident>> ReferenceOms::cancel_ticket(store::Transaction& tx, const std::string& mrid) {
  Records records(tx);
  ObjectState state;
  TroubleTicket ticket = existing_ticket(records, mrid, &state);
  if (state == ObjectState::closed) throw Rejection(code::kCanceledPerBusinessRule, "trouble ticket " + mrid + " is closed and cannot be canceled");
  if (state == ObjectState::canceled) return {ticket, std::nullopt};
  set_status(ticket.mutable_status(), ObjectState::canceled);
  records.put("TroubleTickets", mrid, ObjectState::canceled, ticket);
  std::optional<Incident> incident;
  if (!ticket.incident().m_rid().empty()) {
    auto r = records.get("Incidents", ticket.incident().m_rid());
    if (r && r->state != ObjectState::closed) {
      Incident i = r->as<Incident>();
      auto* refs = i.mutable_trouble_tickets();
      refs->erase(std::remove_if(refs->begin(), refs->end(), [&](const auto& ref) { return ref.m_rid() == mrid; }), refs->end());
      records.put("Incidents", i.m_rid(), r->state, i);
      incident = std::move(i);
    }
  }
  return {ticket, incident};
}

TroubleTicket ReferenceOms::close_ticket(store::Transaction& tx, const std::string& mrid) {
  Records records(tx);
  ObjectState state;
  TroubleTicket ticket = existing_ticket(records, mrid, &state);
  if (state == ObjectState::canceled) throw Rejection(code::kCanceledPerBusinessRule, "trouble ticket " + mrid + " was canceled and cannot be closed");
  if (state == ObjectState::closed) return ticket;
  set_status(ticket.mutable_status(), ObjectState::closed);
  ticket.set_resolved_date_time(now_timestamp());
  records.put("TroubleTickets", mrid, ObjectState::closed, ticket);
  return ticket;
}

std::optional<OmsBackend::Progress> ReferenceOms::crew_progress(store::Transaction& tx, const MaintenanceOrder& order) {
  Records records(tx);
  auto copy = records.get("MaintenanceOrders", order.m_rid());
  if (!copy || order.work_size() == 0 || !order.work(0).has_status_kind()) return std::nullopt;  // not ours
  const work::maintenance_orders::Work& work = order.work(0);
  records.put("MaintenanceOrders", order.m_rid(), object_state_or_throw(Status::Value_Name(work.status_kind())), order);
  auto r = records.get("Incidents", copy->key);
  if (!r || r->state == ObjectState::closed) return std::nullopt;
  Incident incident = r->as<Incident>();
  for (auto& ref : *incident.mutable_works())
    if (ref.m_rid() == work.m_rid()) ref.set_status_kind(static_cast<IncidentWorkStatus::Value>(work.status_kind()));
  Progress p;
  switch (work.status_kind()) {
    case Status::dispatched: {
      // The WMS's schedule: when its crew is expected, for the CIS to tell the customers.
      for (auto& ref : *incident.mutable_works()) {
        if (ref.m_rid() != work.m_rid()) continue;
        for (const auto& task : work.work_tasks()) {
          if (task.crew_eta().empty()) continue;
          auto known = std::find_if(ref.mutable_work_tasks()->begin(), ref.mutable_work_tasks()->end(),
                                    [&](const auto& t) { return t.m_rid() == task.m_rid(); });
          auto* out = known != ref.mutable_work_tasks()->end() ? &*known : ref.add_work_tasks();
          out->set_m_rid(task.m_rid());
          out->set_crew_eta(task.crew_eta());
        }
      }
      incident.mutable_outage()->mutable_estimated_period()->set_end(at(repair_ms_ * 2));
      set_status(incident.mutable_status(), ObjectState::dispatched);
      break;
    }
    case Status::enroute:
      set_status(incident.mutable_status(), ObjectState::enroute);
      break;
    case Status::onSite:
      incident.mutable_outage()->mutable_estimated_period()->set_end(at(repair_ms_));
      set_status(incident.mutable_status(), ObjectState::on_site);
      break;
    case Status::completed:
      incident.mutable_outage()->mutable_actual_period()->set_end(now_timestamp());
      set_status(incident.mutable_status(), ObjectState::closed);
      p.restored = true;
      break;
    default:
      records.put("Incidents", incident.m_rid(), r->state, incident);
      return std::nullopt;  // scheduled, closed, ...: noted on the work reference only
  }
  records.put("Incidents", incident.m_rid(), object_state_or_throw(incident.status().value()), incident);
  p.incident = std::move(incident);
  return p;
}

std::vector<reference::StateTable> ReferenceOms::state_tables() {
  std::vector<reference::StateTable> tables = reference::record_tables();
  tables.push_back({"outages", {"name", "state", "customers_out", "critical", "tickets"},
                    "SELECT mrid, state, data FROM records WHERE noun = 'Incidents'", [](std::vector<std::string> row) {
                      Incident incident;
                      if (!incident.ParseFromString(row[2])) return std::vector<std::string>{row[0], row[1], "", "", ""};
                      return std::vector<std::string>{incident.names_size() > 0 ? incident.names(0).name() : row[0], row[1],
                                                      std::to_string(incident.outage().summary().total_count()),
                                                      std::to_string(incident.outage().summary().critical_count()),
                                                      std::to_string(incident.trouble_tickets_size())};
                    }});
  return tables;
}

}  // namespace cimbus::oms
