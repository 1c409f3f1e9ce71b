-- Headless neovim smoke test for `riskgate lsp` (run by cli/tests/lsp_nvim.rs).
--
-- Environment: RISKGATE_BIN (the riskgate binary), RISKGATE_FILE (a policy
-- with an error), RISKGATE_OUT (where to write the diagnostics seen).
-- Uses only APIs present since neovim 0.7 (Debian's package).
local bin = os.getenv("RISKGATE_BIN")
local file = os.getenv("RISKGATE_FILE")
local out = os.getenv("RISKGATE_OUT")

vim.cmd("edit " .. vim.fn.fnameescape(file))
local client_id = vim.lsp.start_client({
  name = "riskgate",
  cmd = { bin, "lsp" },
  root_dir = vim.fn.fnamemodify(file, ":p:h"),
})
vim.lsp.buf_attach_client(0, client_id)

local found = vim.wait(20000, function()
  return #vim.diagnostic.get(0) > 0
end, 50)

local lines = {}
if found then
  for _, d in ipairs(vim.diagnostic.get(0)) do
    table.insert(lines, string.format("%d:%d %s", d.lnum + 1, d.col + 1, d.message:gsub("\n", " | ")))
  end
else
  table.insert(lines, "TIMEOUT: no diagnostic within 20 s")
end
vim.fn.writefile(lines, out)
vim.lsp.stop_client(client_id)
vim.cmd("qa!")
