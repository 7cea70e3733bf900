#include "bench_messages.hpp"

#include <cstdio>

namespace cimbus::bench {

namespace {

const char* const kHead = R"(<?xml version="1.0" encoding="UTF-8"?>
<RequestMessage xmlns="http://iec.ch/TC57/2011/schema/message">
  <Header>
    <Verb>create</Verb>
    <Noun>ServiceOrders</Noun>
    <Revision>2.0</Revision>
    <ReplayDetection><Nonce>6c1e90a2</Nonce><Created>2026-11-22T08:15:00+01:00</Created></ReplayDetection>
    <Context>PRODUCTION</Context>
    <Timestamp>2026-11-22T08:15:00+01:00</Timestamp>
    <Source>CIS</Source>
    <AsyncReplyFlag>false</AsyncReplyFlag>
    <ReplyAddress>req.reply.cis-1</ReplyAddress>
    <AckRequired>true</AckRequired>
    <User><UserID>integration</UserID><Organization>Utility</Organization></User>
    <MessageID>0f8fad5b-d9cb-469f-a165-70867728950e</MessageID>
    <CorrelationID>7c9e6679-7425-40de-944b-e07fc1f90ae7</CorrelationID>
    <Comment>benchmark message</Comment>
    <Property><Name>region</Name><Value>north</Value></Property>
  </Header>
  <Payload>
    <so:ServiceOrders xmlns:so="http://iec.ch/TC57/2015/ServiceOrders#">
)";

const char* const kTail = R"(    </so:ServiceOrders>
  </Payload>
</RequestMessage>
)";

// A ServiceOrder that validates against schemas/work/ServiceOrders.xsd (and the EPRI profile).
std::string service_order(std::size_t n) {
  char id[13];
  std::snprintf(id, sizeof id, "%012zx", n);
  const std::string mrid = std::string("54bfd0c8-475a-4705-ab50-") + id;
  return "      <so:ServiceOrder><so:mRID>" + mrid + "</so:mRID>"
         "<so:Work><so:mRID>7c9e6679-7425-40de-944b-" + std::string(id) + "</so:mRID><so:kind>service</so:kind>"
         "<so:requestDateTime>2026-11-22T09:00:00Z</so:requestDateTime><so:statusKind>scheduled</so:statusKind>"
         "<so:priority><so:rank>2</so:rank></so:priority>"
         "<so:WorkLocation><so:mainAddress><so:streetDetail><so:addressGeneral>12 Main Street</so:addressGeneral>"
         "</so:streetDetail><so:townDetail><so:name>Springfield</so:name></so:townDetail></so:mainAddress></so:WorkLocation>"
         "<so:WorkTasks><so:crewETA>2026-11-22T10:30:00Z</so:crewETA><so:statusKind>scheduled</so:statusKind>"
         "<so:subject>Meter exchange</so:subject><so:taskKind>exchange</so:taskKind></so:WorkTasks>"
         "</so:Work></so:ServiceOrder>\n";
}

std::string trouble_ticket(std::size_t n) {
  char id[13];
  std::snprintf(id, sizeof id, "%012zx", n);
  return std::string("      <m:TroubleTicket><m:mRID>a3f1c2d4-5b6e-4f70-8192-") + id + "</m:mRID>"
         "<m:comment>Lights out with a loud bang, street dark</m:comment>"
         "<m:dateTimeOfReport>2026-11-22T18:03:40-06:00</m:dateTimeOfReport><m:multiplePremises>true</m:multiplePremises>"
         "<m:reportingKind>call</m:reportingKind><m:troubleCode>power down</m:troubleCode>"
         "<m:Customer><m:mRID>0c2a4e6f-8b1d-4c3e-9f5a-" + id + "</m:mRID><m:kind>residential</m:kind>"
         "<m:specialNeed>life support</m:specialNeed><m:vip>false</m:vip></m:Customer>"
         "<m:Hazards><m:type>wire down</m:type></m:Hazards><m:Names><m:name>TT-2026-" + id + "</m:name></m:Names>"
         "<m:Notification><m:contactType>phone</m:contactType><m:contactValue>+1 555 0142</m:contactValue>"
         "<m:earliestDateTimeToCall>2026-11-22T18:00:00-06:00</m:earliestDateTimeToCall>"
         "<m:latestDateTimeToCall>2026-11-22T22:00:00-06:00</m:latestDateTimeToCall><m:trigger>powerRestored</m:trigger>"
         "</m:Notification><m:ServiceLocation><m:mRID>5e7a9c1b-3d5f-4a7b-9c1d-" + id + "</m:mRID><m:mainAddress>"
         "<m:streetDetail><m:addressGeneral>1418 Elm Street</m:addressGeneral></m:streetDetail>"
         "<m:townDetail><m:name>Springfield</m:name><m:stateOrProvince>IL</m:stateOrProvince></m:townDetail>"
         "</m:mainAddress></m:ServiceLocation><m:status><m:dateTime>2026-11-22T18:04:11-06:00</m:dateTime>"
         "<m:value>open</m:value></m:status></m:TroubleTicket>\n";
}

std::string reading(std::size_t n) {
  return "      <r:Reading><r:meter>LGZ-" + std::to_string(1000000 + n) + "</r:meter><r:value unit=\"kWh\">" +
         std::to_string(18000 + n * 7) + "</r:value><r:timeStamp>2026-11-22T00:00:00Z</r:timeStamp>"
         "<r:quality>valid</r:quality></r:Reading>\n";
}

std::string repeat_until(std::string xml, const char* tail, std::size_t target_bytes, std::string (*item)(std::size_t)) {
  const std::size_t tail_size = std::char_traits<char>::length(tail);
  for (std::size_t n = 0; n == 0 || xml.size() + tail_size < target_bytes; ++n) xml += item(n);
  return xml + tail;
}

}  // namespace

std::string untyped_payload_message(std::size_t target_bytes) {
  std::string head = kHead;
  head.replace(head.find("<Noun>ServiceOrders</Noun>"), 26, "<Noun>Readings</Noun>");
  head.replace(head.find("<so:ServiceOrders xmlns:so=\"http://iec.ch/TC57/2015/ServiceOrders#\">"), 68,
               "<r:Readings xmlns:r=\"urn:example:readings\">");
  return repeat_until(head, "    </r:Readings>\n  </Payload>\n</RequestMessage>\n", target_bytes, reading);
}

std::string service_orders_message(std::size_t target_bytes) {
  return repeat_until(kHead, kTail, target_bytes, service_order);
}

std::string trouble_tickets_message(std::size_t target_bytes) {
  static const char* const head = R"(<?xml version="1.0" encoding="UTF-8"?>
<tt:CreateTroubleTickets xmlns:tt="http://iec.ch/TC57/2015/TroubleTicketsMessage"
    xmlns="http://iec.ch/TC57/2011/schema/message" xmlns:m="http://iec.ch/TC57/2015/TroubleTickets#">
  <tt:Header><Verb>create</Verb><Noun>TroubleTickets</Noun><Timestamp>2026-11-22T18:04:11-06:00</Timestamp>
    <Source>CIS</Source><ReplyAddress>reply.cis-1</ReplyAddress><MessageID>6f0c1b2a-3d4e-4f50-8a61-7b8c9d0e1f21</MessageID>
  </tt:Header>
  <tt:Payload>
    <m:TroubleTickets>
)";
  static const char* const tail = "    </m:TroubleTickets>\n  </tt:Payload>\n</tt:CreateTroubleTickets>\n";
  return repeat_until(head, tail, target_bytes, trouble_ticket);
}


}  // namespace cimbus::bench
