// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Ownable, Ownable2Step} from "@openzeppelin/contracts/access/Ownable2Step.sol";
// solhint-disable-next-line max-line-length
import {AutomationCompatibleInterface} from "@chainlink/contracts/src/v0.8/automation/interfaces/AutomationCompatibleInterface.sol";

import {IFlashLiquidator} from "../interfaces/IFlashLiquidator.sol";
import {ILiquidationEngine} from "../interfaces/ILiquidationEngine.sol";
import {ILiquidationUpkeep} from "../interfaces/ILiquidationUpkeep.sol";
import {IMarginVault} from "../interfaces/IMarginVault.sol";
import {IOracle} from "../interfaces/IOracle.sol";
import {TrancheMath} from "../libraries/TrancheMath.sol";

/// @title LiquidationUpkeep
/// @notice Chainlink Automation upkeep that finds liquidatable positions page by page and liquidates them through the
/// FlashLiquidator (no capital held here).
contract LiquidationUpkeep is ILiquidationUpkeep, Ownable2Step {
    /// @inheritdoc ILiquidationUpkeep
    uint256 public constant MAX_SCAN = 500;
    /// @inheritdoc ILiquidationUpkeep
    uint256 public constant MAX_BATCH = 20;

    /// @notice The engine whose previews find the positions.
    ILiquidationEngine public immutable engine;
    /// @notice The vault whose markets are paged.
    IMarginVault public immutable vault;
    /// @notice The capital-free keeper that liquidates.
    IFlashLiquidator public immutable flashLiquidator;
    /// @notice The only account allowed to perform (zero: anyone).
    address public forwarder;

    mapping(uint256 marketId => Route) private _routes;

    /// @param owner_ Sets routes and the forwarder.
    constructor(
        ILiquidationEngine engine_,
        IMarginVault vault_,
        IFlashLiquidator flashLiquidator_,
        address owner_
    ) Ownable(owner_) {
        if (address(engine_) == address(0) || address(vault_) == address(0) || address(flashLiquidator_) == address(0))
            revert ZeroAddress();
        engine = engine_;
        vault = vault_;
        flashLiquidator = flashLiquidator_;
    }

    /// @inheritdoc ILiquidationUpkeep
    function checkUpkeep(bytes calldata checkData) external view override returns (bool, bytes memory) {
        (uint256 marketId, uint256 offset, uint256 limit) = abi.decode(checkData, (uint256, uint256, uint256));
        if (limit == 0 || limit > MAX_SCAN) revert BadScanSize(limit, MAX_SCAN);
        if (_routes[marketId].path.length == 0) revert NoRoute(marketId);
        uint256[] memory ids = vault.marketPositions(marketId, offset, limit);
        uint256[] memory found = new uint256[](MAX_BATCH);
        uint256 count;
        (uint256 price, IOracle.PriceStatus status) = vault.market(marketId).oracle.price();
        if (status == IOracle.PriceStatus.Invalid) return (false, "");
        uint256 maintenanceRatio = vault.riskParams(marketId).maintenanceRatio;
        for (uint256 i = 0; i < ids.length && count < MAX_BATCH; ++i) {
            // Cheap filter first (one price for the page, the engine's own ratio); the full preview (grace window,
            // market window) only for positions below maintenance.
            uint256 ratio = TrancheMath.ratioDown(
                vault.position(ids[i]).collateralAssets,
                price,
                vault.debtAssetsOf(ids[i])
            );
            if (ratio >= maintenanceRatio) continue;
            if (engine.previewLiquidation(ids[i]).reason == ILiquidationEngine.Reason.None) found[count++] = ids[i];
        }
        uint256[] memory liquidatable = new uint256[](count);
        for (uint256 i = 0; i < count; ++i) {
            liquidatable[i] = found[i];
        }
        return (count > 0, abi.encode(marketId, liquidatable));
    }

    /// @inheritdoc AutomationCompatibleInterface
    function performUpkeep(bytes calldata performData) external override {
        if (forwarder != address(0) && msg.sender != forwarder) revert NotForwarder(msg.sender, forwarder);
        (uint256 marketId, uint256[] memory ids) = abi.decode(performData, (uint256, uint256[]));
        if (ids.length == 0 || ids.length > MAX_BATCH) revert BadBatchSize(ids.length, MAX_BATCH);
        Route memory r = _routes[marketId];
        if (r.path.length == 0) revert NoRoute(marketId);
        uint256[] memory maxRepays = new uint256[](ids.length);
        for (uint256 i = 0; i < ids.length; ++i) {
            maxRepays[i] = type(uint256).max;
        }
        (uint256 liquidated, uint256 profit) = flashLiquidator.liquidateMany(
            ids,
            maxRepays,
            r.path,
            r.maxSlippage,
            r.minProfit
        );
        emit UpkeepPerformed(marketId, ids.length, liquidated, profit);
    }

    /// @inheritdoc ILiquidationUpkeep
    function setRoute(
        uint256 marketId,
        bytes calldata path,
        uint256 maxSlippage,
        uint256 minProfit
    ) external onlyOwner {
        if (address(vault.market(marketId).pool) == address(0)) revert IMarginVault.UnknownMarket(marketId);
        uint256 limit = flashLiquidator.MAX_SLIPPAGE();
        if (maxSlippage > limit) revert IFlashLiquidator.SlippageTooHigh(maxSlippage, limit);
        _routes[marketId] = Route({path: path, maxSlippage: maxSlippage, minProfit: minProfit});
        emit SetRoute(marketId, path, maxSlippage, minProfit);
    }

    /// @inheritdoc ILiquidationUpkeep
    function setForwarder(address forwarder_) external onlyOwner {
        forwarder = forwarder_;
        emit SetForwarder(forwarder_);
    }

    /// @inheritdoc ILiquidationUpkeep
    function route(uint256 marketId) external view returns (Route memory) {
        return _routes[marketId];
    }
}
