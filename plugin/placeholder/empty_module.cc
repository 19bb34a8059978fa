// plugin/placeholder/empty_module.cc — the only source of client-documents.so while hooks/
// has none yet, so the module target stays buildable during parallel work. Remove later.
namespace cd {
int placeholder_module_marker = 0;
}  // namespace cd
